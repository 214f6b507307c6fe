import { Router } from 'express';
import type { TokenSigner } from '../auth/tokens';
import { AppError } from '../errors';
import { validateDto } from '../validation';
import { requireAction } from './auth';
import { StageParams } from './params';

export interface StageMediaView {
  sources: unknown[];
  origin: { workerPid: number };
  distributionRouters: { routerId: string; workerPid: number; consumers: number }[];
}

/** `GET /api/events/:eventId/stages/:stageId/media` (ops, host, admin): where a stage's media runs. */
export function stageMediaRoutes(deps: { signer: TokenSigner; describe: (stageKey: string) => StageMediaView | undefined }): Router {
  const router = Router();
  router.get('/api/events/:eventId/stages/:stageId/media', requireAction(deps.signer, 'stage.inspect'), async (req, res) => {
    const { eventId, stageId } = await validateDto(StageParams, { ...req.params });
    const view = deps.describe(`${eventId}/${stageId}`);
    if (!view) throw new AppError('not_found', `stage ${eventId}/${stageId} has no media open on this node`);
    res.json(view);
  });
  return router;
}
