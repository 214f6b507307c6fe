import { rateLimit } from 'express-rate-limit';
import type { Admission } from '../../Admission';
import type { TokenSigner } from '../../auth/tokens';
import type { Conference } from '../../conference/Conference';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import { IngestDto, JoinEventDto } from '../dto/live';
import { EventParams, StageParams } from '../params';

export interface StageMediaView {
  sources: unknown[];
  origin: { workerPid: number };
  distributionRouters: { routerId: string; workerPid: number; consumers: number }[];
}

/** What the media routes need of the SFU; the composition root wires it to media/. */
export interface MediaRoutesPort {
  /** Opens (or re-opens) a stage's on-site feed and says where the encoder must send RTP. */
  openIngest(stageKey: string, options: { videoCodec: 'VP8' | 'H264'; sourceId: string; label?: string }): Promise<unknown>;
  describe(stageKey: string): StageMediaView | undefined;
}

/** Joining as a viewer, the hall feed's ingest, and where a stage's media runs. */
export function registerMediaRoutes(
  api: ApiRegistry,
  deps: { conference: Conference; signer: TokenSigner; media: MediaRoutesPort; joinsPerMinute: number; /** Absent: joins are always admitted. */ admission?: Admission },
): void {
  const { agenda } = deps.conference;
  const joinLimiter = rateLimit({
    windowMs: 60_000,
    limit: deps.joinsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'too many joins from this address; retry in a minute')),
  });

  api.add({
    method: 'post', path: '/api/events/:eventId/join', operationId: 'joinEvent', summary: 'Get an attendee token for a public event (rate limited per IP)', tag: 'media',
    access: 'anyone', params: EventParams, body: JoinEventDto, status: 201, middleware: [joinLimiter],
    handler: async ({ params, body }) => {
      deps.admission?.assertOpen();
      const event = await agenda.getEvent(params.eventId);
      if (!event.isPublic) throw new AppError('forbidden', 'this event is private: use the access link you were given');
      const token = deps.signer.sign({ role: 'attendee', eventId: event.id, name: body.name?.trim() || 'Guest' });
      return { token, participantId: deps.signer.verify(token).id, role: 'attendee', eventId: event.id };
    },
  });

  api.add({
    method: 'post', path: '/api/events/:eventId/stages/:stageId/ingest', operationId: 'openIngest', summary: 'Open the on-site feed: RTP ports, payload types and SSRCs for the hall encoder', tag: 'media',
    access: 'stage.ingest', params: StageParams, body: IngestDto, status: 201,
    handler: async ({ params, body }) => {
      await agenda.getStage(params.eventId, params.stageId);
      const sourceId = body.feed ? `onsite-${body.feed}` : 'onsite';
      return deps.media.openIngest(`${params.eventId}/${params.stageId}`, { videoCodec: body.videoCodec ?? 'VP8', sourceId, label: body.label });
    },
  });

  api.add({
    method: 'get', path: '/api/events/:eventId/stages/:stageId/media', operationId: 'describeStageMedia', summary: "Where a stage's media runs: sources, routers, consumers per router", tag: 'media',
    access: 'stage.inspect', params: StageParams,
    handler: async ({ params }) => {
      const view = deps.media.describe(`${params.eventId}/${params.stageId}`);
      if (!view) throw new AppError('not_found', `stage ${params.eventId}/${params.stageId} has no media open on this node`);
      return view;
    },
  });
}
