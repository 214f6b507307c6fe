import type { AgendaService } from '../../conference/AgendaService';
import { type StreamKeys, viewOf } from '../../conference/StreamKeys';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import { CreateStreamKeyDto } from '../dto/streamKeys';
import { StageParams, StreamKeyParams } from '../params';

/** Hands a revoked key's live encoders their end (WHIP sessions on this node). */
export type EndKeySessions = (keyId: string) => number;

/** Stream keys of a stage's feeds: created (secret shown once), listed, revoked. */
export function registerStreamKeyRoutes(
  api: ApiRegistry,
  deps: { keys: StreamKeys; agenda: AgendaService; endSessions: EndKeySessions },
): void {
  api.add({
    method: 'post',
    path: '/api/events/:eventId/stages/:stageId/stream-keys',
    operationId: 'createStreamKey',
    summary: "Create a stream key for one feed of the stage (WHIP, RTMP, SRT); the answer's `key` is the only time the secret is shown",
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    body: CreateStreamKeyDto,
    status: 201,
    handler: async ({ params, body, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      await deps.agenda.getStage(params.eventId, params.stageId);
      const { record, key } = await deps.keys.create(
        { eventId: params.eventId, stageId: params.stageId, feed: body.feed ?? null },
        { label: body.label, expiresInSeconds: body.expiresInSeconds },
        principal,
      );
      return { ...viewOf(record), key, whipPath: `/whip/${params.eventId}/${params.stageId}` };
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/stages/:stageId/stream-keys',
    operationId: 'listStreamKeys',
    summary: "The stage's stream keys (never their secrets), revoked ones included",
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    handler: async ({ params }) => {
      await deps.agenda.getStage(params.eventId, params.stageId);
      return (await deps.keys.list(params.eventId, params.stageId)).map(viewOf);
    },
  });

  api.add({
    method: 'delete',
    path: '/api/events/:eventId/stages/:stageId/stream-keys/:keyId',
    operationId: 'revokeStreamKey',
    summary: 'Revoke a stream key: refused from then on, and the encoders publishing with it are ended',
    tag: 'media',
    access: 'stage.ingest',
    params: StreamKeyParams,
    handler: async ({ params, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      const record = await deps.keys.revoke(params.eventId, params.stageId, params.keyId, principal);
      const ended = deps.endSessions(record.id);
      return { ...viewOf(record), endedSessions: ended };
    },
  });
}
