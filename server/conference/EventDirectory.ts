import type { Store } from '../store';
import type { EventRecord } from '../store/records';

/** Read access to events and their stages, for the edges that admit participants. */
export class EventDirectory {
  constructor(private readonly store: Store) {}

  async event(eventId: string): Promise<EventRecord | undefined> {
    return this.store.collection('events').get('', eventId);
  }

  async stageExists(eventId: string, stageId: string): Promise<boolean> {
    return (await this.store.collection('stages').get(eventId, stageId)) !== undefined;
  }
}
