import type { StageHlsStatus } from '../../../media/egress/StageHls';
import { type PlaybackTokens, playlistUrl } from '../../auth/playbackTokens';
import type { AgendaService } from '../../conference/AgendaService';
import { stageKey } from '../../stageKey';
import type { ApiRegistry } from '../api';
import { StageParams } from '../params';

/** What the routes need of the node's HLS egress (media/egress/HlsEgress). */
export interface HlsControlPort {
  start(stageKey: string): Promise<StageHlsStatus>;
  stop(stageKey: string): Promise<void>;
  status(stageKey: string): StageHlsStatus | null;
}

/** Starting, stopping and finding a stage's HLS stream. */
export function registerHlsRoutes(
  api: ApiRegistry,
  deps: { egress: HlsControlPort; agenda: AgendaService; playback: PlaybackTokens },
): void {
  const path = '/api/events/:eventId/stages/:stageId/hls';

  api.add({
    method: 'get',
    path,
    operationId: 'getStageHls',
    summary:
      "The stage's HLS stream: whether it runs, and the master playlist's URL (with a playback token for a private event). " +
      'A stage with interpretation languages has one AAC audio rendition per language in it (EXT-X-MEDIA TYPE=AUDIO: audio-floor, the default, and audio-<tag> per channel)',
    tag: 'media',
    access: 'event-read',
    params: StageParams,
    handler: async ({ params, principal }) => {
      const event = await deps.agenda.getEvent(params.eventId);
      await deps.agenda.getStage(params.eventId, params.stageId);
      const status = deps.egress.status(stageKey(params.eventId, params.stageId));
      const url = playlistUrl(deps.playback, { eventId: params.eventId, stageId: params.stageId, isPublic: event.isPublic }, principal);
      return { ...(status ?? { running: false }), url };
    },
  });
  api.add({
    method: 'post',
    path,
    operationId: 'startStageHls',
    summary: "Start the stage's HLS stream now (it also starts with the stage's first video source)",
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    handler: async ({ params }) => {
      await deps.agenda.getStage(params.eventId, params.stageId);
      return deps.egress.start(stageKey(params.eventId, params.stageId));
    },
  });
  api.add({
    method: 'delete',
    path,
    operationId: 'stopStageHls',
    summary: "Stop the stage's HLS stream (players get 404 until it starts again)",
    tag: 'media',
    access: 'stage.ingest',
    params: StageParams,
    status: 204,
    handler: async ({ params }) => {
      await deps.agenda.getStage(params.eventId, params.stageId);
      await deps.egress.stop(stageKey(params.eventId, params.stageId));
    },
  });
}
