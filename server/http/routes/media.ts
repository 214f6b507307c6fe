import { rateLimit } from 'express-rate-limit';
import type { Admission } from '../../Admission';
import type { TokenSigner } from '../../auth/tokens';
import type { Conference } from '../../conference/Conference';
import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import { IngestDto, IngestQuery, JoinEventDto } from '../dto/live';
import { EventParams, StageParams } from '../params';
import { meetingIdOfStage, stageKey } from '../../stageKey';
import { selfChosenName } from '../../conference/humanText';

export interface StageMediaView {
  sources: unknown[];
  origin: { workerPid: number };
  distributionRouters: { routerId: string; workerPid: number; consumers: number }[];
  /** In a cluster: this node's role for the stage, and the pipes between nodes. */
  cluster?: unknown;
}

/** What the media routes need of the SFU; the composition root wires it to media/. */
export interface MediaRoutesPort {
  /** Opens (or re-opens) a stage's on-site feed and says where the encoder must send RTP. */
  openIngest(stageKey: string, options: { videoCodec: 'VP8' | 'H264'; sourceId: string; label?: string }): Promise<unknown>;
  /** Where an open on-site feed expects its RTP now; not_found once it is closed (or its node gone). */
  ingestTarget(stageKey: string, sourceId: string): Promise<unknown>;
  describe(stageKey: string): StageMediaView | undefined;
}

/** Which node a participant should connect to. */
export interface Placement {
  nodeId: string;
  nodeUrl: string;
  /** Other nodes' addresses, to try in turn should the chosen one become unreachable. */
  fallbackUrls: string[];
}

/** Placement over the nodes of a cluster; a single node has none (its clients stay where they are). */
export interface PlacementPort {
  /** The node for a viewer; null when no node has room. */
  viewer(): Placement | null;
  /** The node for a speaker of a stage: the one its sources live on. */
  publisher(stageKey: string): Promise<Placement | null>;
}

function sourceIdOf(feed: string | undefined): string {
  return feed ? `onsite-${feed}` : 'onsite';
}

/** Joining as a viewer, the hall feed's ingest, and where a stage's media runs. */
export function registerMediaRoutes(
  api: ApiRegistry,
  deps: {
    conference: Conference;
    signer: TokenSigner;
    media: MediaRoutesPort;
    joinsPerMinute: number;
    /** Absent: joins are always admitted. */
    admission?: Admission;
    /** Absent on a single node: clients use the address they came by. */
    placement?: PlacementPort;
  },
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
    method: 'post',
    path: '/api/events/:eventId/join',
    operationId: 'joinEvent',
    summary: 'Get an attendee token for a public event (rate limited per IP)',
    tag: 'media',
    access: 'anyone',
    params: EventParams,
    body: JoinEventDto,
    status: 201,
    middleware: [joinLimiter],
    handler: async ({ params, body, principal }) => {
      deps.admission?.assertOpen();
      // A private event answers like an unknown one, except to a token of it (which knows it exists).
      const event = await deps.conference.events.visibleEvent(params.eventId, principal);
      if (!event.isPublic) throw new AppError('forbidden', 'this event is private: use the access link you were given');
      const placement = deps.placement ? deps.placement.viewer() : null;
      if (deps.placement && !placement) throw new AppError('unavailable', 'every node is full or draining; retry shortly');
      const token = deps.signer.sign({
        role: 'attendee',
        eventId: event.id,
        name: body.name === undefined ? 'Guest' : selfChosenName(body.name),
        anonymous: true,
      });
      return {
        token,
        participantId: deps.signer.verify(token).id,
        role: 'attendee',
        eventId: event.id,
        nodeUrl: placement?.nodeUrl ?? null,
        fallbackUrls: placement?.fallbackUrls ?? [],
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/stages/:stageId/placement',
    operationId: 'placeParticipant',
    summary: 'The node the caller should connect to for this stage (its origin for speakers and interpreters); null on a single node',
    tag: 'media',
    access: 'stage.watch',
    params: StageParams,
    handler: async ({ params, principal }) => {
      // A meeting's room is no agenda stage, and everyone in it publishes: all of them meet on its origin.
      const room = meetingIdOfStage(params.stageId) !== null;
      if (!room) await agenda.getStage(params.eventId, params.stageId);
      if (!deps.placement) return { nodeUrl: null, fallbackUrls: [] };
      // Interpreters too (a booth's handover pauses producers on the origin), and everyone in a meeting's room.
      const publishes = room || (principal !== null && (can(principal.role, 'stage.publish') || can(principal.role, 'stage.interpret')));
      const placement = publishes ? await deps.placement.publisher(stageKey(params.eventId, params.stageId)) : deps.placement.viewer();
      if (!placement) throw new AppError('unavailable', 'every node is full or draining; retry shortly');
      return { nodeUrl: placement.nodeUrl, fallbackUrls: placement.fallbackUrls };
    },
  });

  api.add({
    method: 'post',
    path: '/api/events/:eventId/stages/:stageId/ingest',
    operationId: 'openIngest',
    summary: 'Open the on-site feed: RTP ports, payload types and SSRCs for the hall encoder',
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    body: IngestDto,
    status: 201,
    handler: async ({ params, body }) => {
      await agenda.getStage(params.eventId, params.stageId);
      return deps.media.openIngest(stageKey(params.eventId, params.stageId), {
        videoCodec: body.videoCodec ?? 'VP8',
        sourceId: sourceIdOf(body.feed),
        label: body.label,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/stages/:stageId/ingest',
    operationId: 'getIngest',
    summary: 'Where an open on-site feed expects its RTP now (404 once closed): encoders poll it to re-target',
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    query: IngestQuery,
    handler: async ({ params, query }) => {
      await agenda.getStage(params.eventId, params.stageId);
      return deps.media.ingestTarget(stageKey(params.eventId, params.stageId), sourceIdOf(query.feed));
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/stages/:stageId/media',
    operationId: 'describeStageMedia',
    summary: "Where a stage's media runs: sources, routers, consumers per router",
    tag: 'media',
    access: 'stage.inspect',
    params: StageParams,
    handler: async ({ params }) => {
      const view = deps.media.describe(stageKey(params.eventId, params.stageId));
      if (!view) throw new AppError('not_found', `stage ${params.eventId}/${params.stageId} has no media open on this node`);
      return view;
    },
  });
}
