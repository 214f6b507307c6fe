import { Router } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import type { TokenSigner } from '../auth/tokens';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { validateDto } from '../validation';
import { requireAction } from './auth';
import { StageParams } from './params';

export interface IngestOpener {
  /** Opens (or re-opens) a stage's on-site feed and says where the encoder must send RTP. */
  openIngest(stageKey: string, videoCodec: 'VP8' | 'H264'): Promise<unknown>;
}

class IngestBody {
  @IsOptional() @IsIn(['VP8', 'H264']) videoCodec?: 'VP8' | 'H264';
}


/** `POST /api/events/:eventId/stages/:stageId/ingest` (host, ops, admin): RTP ports of the hall feed. */
export function ingestRoutes(deps: { signer: TokenSigner; events: EventDirectory; ingest: IngestOpener }): Router {
  const router = Router();
  router.post('/api/events/:eventId/stages/:stageId/ingest', requireAction(deps.signer, 'stage.ingest'), async (req, res) => {
    const { eventId, stageId } = await validateDto(StageParams, { ...req.params });
    const body = await validateDto(IngestBody, req.body ?? {});
    if (!(await deps.events.stageExists(eventId, stageId))) throw new AppError('not_found', `no stage ${stageId} in event ${eventId}`);
    res.status(201).json(await deps.ingest.openIngest(`${eventId}/${stageId}`, body.videoCodec ?? 'VP8'));
  });
  return router;
}
