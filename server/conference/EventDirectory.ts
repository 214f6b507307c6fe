import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { EventRecord } from '../store/records';

/** Read access to events and their stages, for the edges that admit participants. */
export class EventDirectory {
  constructor(private readonly store: Store) {}

  async event(eventId: string): Promise<EventRecord | undefined> {
    return this.store.collection('events').get('', eventId);
  }

  /**
   * The event, if `principal` may know it exists: a public one to anyone, a private one to a token of
   * that event. Otherwise `not_found` with the very message an unknown id gets (AgendaService's), so a
   * private event's id cannot be confirmed by probing.
   */
  async visibleEvent(eventId: string, principal: Principal | null): Promise<EventRecord> {
    const event = await this.event(eventId);
    if (!event || (!event.isPublic && principal?.eventId !== eventId)) throw new AppError('not_found', `no event ${eventId}`);
    return event;
  }

  async stageExists(eventId: string, stageId: string): Promise<boolean> {
    return (await this.store.collection('stages').get(eventId, stageId)) !== undefined;
  }
}
