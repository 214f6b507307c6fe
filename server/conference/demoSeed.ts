import type { Store } from '../store';
import type { EventRecord, StageRecord } from '../store/records';

export const DEMO_EVENT_ID = 'demo';

/**
 * Seeds a demo event with two stages when the store holds no event at all, so a newcomer who runs
 * `npm start` sees something at once. Returns whether it wrote anything.
 */
export async function seedDemoIfEmpty(store: Store, now: Date = new Date()): Promise<boolean> {
  const events = store.collection('events');
  if ((await events.list('')).length > 0) return false;
  const event: EventRecord = {
    id: DEMO_EVENT_ID,
    name: 'Tech Achievement Fair — Demo',
    isPublic: true,
    timezone: 'UTC',
    createdAt: now.toISOString(),
  };
  const stages: StageRecord[] = [
    { id: 'keynote', eventId: DEMO_EVENT_ID, name: 'Main hall — keynotes', programSourceId: null },
    { id: 'release', eventId: DEMO_EVENT_ID, name: 'Achievement-release stage', programSourceId: null },
  ];
  // Stages first: a crash in between leaves no event without its stages, and the next boot retries.
  for (const stage of stages) await store.collection('stages').put(stage);
  await events.insert(event);
  return true;
}
