import { type PlaybackTokens, playbackQuery } from '../../auth/playbackTokens';
import type { AgendaService } from '../../conference/AgendaService';
import type { Store } from '../../store';
import type { ApiRegistry } from '../api';
import { EventParams } from '../params';

/** The recordings of an event's sessions, with where to play each. */
export function registerRecordingRoutes(api: ApiRegistry, deps: { store: Store; agenda: AgendaService; playback: PlaybackTokens }): void {
  api.add({
    method: 'get',
    path: '/api/events/:eventId/recordings',
    operationId: 'listRecordings',
    summary: "The event's recorded sessions, newest first, each with its replay URL once ready (a playback token for a private event)",
    tag: 'media',
    access: 'event-read',
    params: EventParams,
    handler: async ({ params, principal }) => {
      const event = await deps.agenda.getEvent(params.eventId);
      const records = await deps.store.collection('recordings').list(params.eventId);
      const query = playbackQuery(deps.playback, event, principal) ?? '';
      return records
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
        .map((record) => ({
          ...record,
          sessionId: record.id,
          url: record.status === 'ready' ? `/replay/${record.eventId}/${record.id}${query}` : null,
        }));
    },
  });
}
