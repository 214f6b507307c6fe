import type { AgendaService } from '../../conference/AgendaService';
import { listPublicEvents, type ViewersOf } from '../../conference/publicEvents';
import type { ApiRegistry } from '../api';
import { PublicEventsDto } from '../dto/publicEvents';

/** What the front page shows anyone: the public events of this node, what is on their stages, who watches. */
export function registerPublicEventRoutes(api: ApiRegistry, deps: { agenda: AgendaService; viewersOf: ViewersOf }): void {
  api.add({
    method: 'get',
    path: '/api/public/events',
    operationId: 'listPublicEvents',
    summary: 'Public events with each stage’s live session, next session and viewers on this node',
    tag: 'agenda',
    // No token needed, and none widens the answer: private events are never listed here.
    access: 'anyone',
    response: PublicEventsDto.name,
    handler: () => listPublicEvents(deps.agenda, deps.viewersOf),
  });
}
