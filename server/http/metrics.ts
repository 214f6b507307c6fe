import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request, Router } from 'express';
import { AppError } from '../errors';

/** What the route serves; OpsMetrics has it. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time (on digests, so lengths leak nothing either). */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerOf(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * `GET /metrics` in the Prometheus text format. Not part of the JSON API registry: scrapers want plain
 * text. With a token configured (METRICS_TOKEN), a scrape without `Authorization: Bearer <token>` is
 * refused with the usual JSON 401.
 */
export function metricsRoutes(source: MetricsSource, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (token !== undefined) {
      const given = bearerOf(req);
      if (given === null) throw new AppError('unauthorized', 'the metrics need a bearer token');
      if (!sameToken(given, token)) throw new AppError('unauthorized', 'invalid metrics token');
    }
    const body = await source.metrics();
    // A Buffer, so express sends prom-client's content type as it is.
    res.set('Content-Type', source.contentType).set('Cache-Control', 'no-store').send(Buffer.from(body, 'utf8'));
  });
  return router;
}
