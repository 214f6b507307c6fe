import type { Store } from '../store';
import { DEMO_EVENT_ID, demoProgramme } from './demoProgramme';
import { serverTimeZone, zonedDate } from './zonedClock';

export { DEMO_EVENT_ID };

/**
 * Seeds the demo event when the store holds no event at all, so a newcomer who runs `npm start` sees
 * a programme at once: today's sessions (on the server's clock, in its time zone) on the stages
 * `keynote` and `release`, with speakers, achievements and a few questions. Returns whether it wrote
 * anything.
 */
export async function seedDemoIfEmpty(store: Store, now: Date = new Date(), timeZone: string = serverTimeZone()): Promise<boolean> {
  const events = store.collection('events');
  if ((await events.list('')).length > 0) return false;
  const demo = demoProgramme(zonedDate(now, timeZone), timeZone, now.toISOString());
  // Everything the event owns first, the event last: a crash in between leaves no event (so the next
  // boot seeds again, writing the same ids over what is there) rather than half a demo.
  for (const stage of demo.stages) await store.collection('stages').put(stage);
  for (const speaker of demo.speakers) await store.collection('speakers').put(speaker);
  for (const session of demo.sessions) await store.collection('sessions').put(session);
  for (const achievement of demo.achievements) await store.collection('achievements').put(achievement);
  for (const question of demo.questions) await store.collection('questions').put(question);
  for (const [questionId, voters] of demo.votes) for (const voter of voters) await store.votes.add(questionId, voter);
  return events.insert(demo.event);
}
