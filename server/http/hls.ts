import { Router } from 'express';
import { AppError } from '../errors';
import { cacheHeaders, type HlsAccess } from './hlsAccess';

export interface ReplayServingDeps {
  access: HlsAccess;
  /** A session's recording, once ready. */
  replayFile(eventId: string, sessionId: string): string | undefined;
  /** In a cluster: the node that recorded the session and keeps its file (null when none does). */
  replayNode?: (eventId: string, sessionId: string) => Promise<string | null>;
}

/**
 * Serves a session's replay: the MP4 itself, with ranges (players seek), open like the event's streams
 * (live HLS is served ahead of express: hlsServing.ts). In a cluster a replay exists only on the node
 * that recorded it; other nodes redirect there (after admission, with the request's own path and token).
 */
export function replayRoutes(deps: ReplayServingDeps): Router {
  const router = Router();

  router.get('/replay/:eventId/:sessionId', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    const { isPublic: open } = await deps.access.admit(req.params.eventId, token);
    const { eventId, sessionId } = req.params;
    const known = /^[0-9a-f-]{36}$/.test(sessionId);
    const file = known ? deps.replayFile(eventId, sessionId) : undefined;
    if (file === undefined) {
      const holder = known ? await deps.replayNode?.(eventId, sessionId) : null;
      if (!holder) throw new AppError('not_found', 'no replay of this session (yet), or the node keeping it is not running');
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'no-cache');
      res.redirect(307, `${holder}${req.originalUrl}`);
      return;
    }
    for (const [name, value] of Object.entries(cacheHeaders(open, 3600))) res.setHeader(name, value);
    res.type('video/mp4');
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file, { cacheControl: false }, (error) => (error ? reject(error) : resolve())),
    );
  });

  router.options('/replay/*splat', (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
    res.setHeader('Access-Control-Allow-Headers', 'range');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  return router;
}
