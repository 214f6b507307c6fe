import type { AgendaItem } from '../../../signaling/contract';

/**
 * The session a stage's Q&A is about: the live one, else the next one still to come, else the last
 * scheduled one. `items` are one stage's sessions in time order.
 */
export function currentSession(items: readonly AgendaItem[], now: number = Date.now()): AgendaItem | null {
  const live = items.find((item) => item.status === 'live');
  if (live) return live;
  const scheduled = items.filter((item) => item.status === 'scheduled');
  return scheduled.find((item) => Date.parse(item.plannedEnd) > now) ?? scheduled[scheduled.length - 1] ?? null;
}
