import { Router } from 'express';

export interface ReadinessReport {
  ready: boolean;
  /** One entry per dependency: `ok` or the reason it is not. */
  checks: Record<string, string>;
}

export type ReadinessProbe = () => Promise<ReadinessReport>;

/** `/healthz`: the process answers. `/readyz`: every dependency answers; 503 with the reasons otherwise. */
export function healthRoutes(readiness: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  });
  return router;
}
