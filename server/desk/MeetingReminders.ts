import type { Logger } from '../logger';
import type { Store } from '../store';
import type { MeetingReminder } from '../conference/views';
import type { MeetingRecord } from '../store/deskRecords';
import type { Clock } from './clock';
import type { MeetingListener } from './Meetings';

/** How long before a meeting its participants are reminded. */
export const REMINDER_LEAD_MS = 10 * 60_000;
/** setTimeout's longest delay; a meeting further away is re-armed when it elapses. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One timer per accepted meeting on this node, firing REMINDER_LEAD_MS before it starts (at once when
 * it is accepted later than that). When a timer fires the meeting is read again, and the reminder goes
 * only if it is still accepted and no node has sent it yet: the store's insert-if-new on
 * `reminderClaims` picks one sender, so every node of a cluster may arm the same meeting (each arms
 * what it accepts, and every accepted meeting at boot) and the delegates still hear once.
 */
export class MeetingReminders implements MeetingListener {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly send: (reminder: MeetingReminder) => void,
    private readonly logger: Logger,
  ) {}

  /** Arms every accepted meeting of these events that has not started. */
  async armAll(eventIds: readonly string[]): Promise<void> {
    for (const eventId of eventIds) {
      for (const meeting of await this.store.collection('meetings').list(eventId)) {
        if (meeting.status === 'accepted' && Date.parse(meeting.start) > this.clock()) this.accepted(meeting);
      }
    }
  }

  accepted(meeting: MeetingRecord): void {
    if (this.#closed) return;
    this.#clear(meeting.id);
    const dueMs = Date.parse(meeting.start) - REMINDER_LEAD_MS - this.clock();
    const timer = setTimeout(
      () => {
        this.#timers.delete(meeting.id);
        if (dueMs > MAX_TIMER_MS) this.accepted(meeting);
        else
          this.#fire(meeting.eventId, meeting.id).catch((error: unknown) =>
            this.logger.error({ err: error, meeting: meeting.id }, 'reminder failed'),
          );
      },
      Math.min(Math.max(0, dueMs), MAX_TIMER_MS),
    );
    timer.unref();
    this.#timers.set(meeting.id, timer);
  }

  cancelled(meeting: MeetingRecord): void {
    this.#clear(meeting.id);
  }

  get armed(): number {
    return this.#timers.size;
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#timers.keys()]) this.#clear(id);
  }

  #clear(meetingId: string): void {
    clearTimeout(this.#timers.get(meetingId));
    this.#timers.delete(meetingId);
  }

  async #fire(eventId: string, meetingId: string): Promise<void> {
    if (this.#closed) return;
    const meeting = await this.store.collection('meetings').get(eventId, meetingId);
    if (meeting?.status !== 'accepted' || Date.parse(meeting.start) <= this.clock()) return;
    const first = await this.store
      .collection('reminderClaims')
      .insert({ id: meetingId, eventId, sentAt: new Date(this.clock()).toISOString() });
    if (!first) return;
    this.logger.info({ meeting: meetingId }, 'reminder sent');
    this.send({
      eventId,
      meetingId,
      start: meeting.start,
      end: meeting.end,
      mode: meeting.mode,
      table: meeting.table,
      delegateIds: [meeting.hostDelegateId, meeting.guestDelegateId],
    });
  }
}
