import type { MeetingRecord } from './deskRecords';
import type { Outbox, OutboxEntry } from './Outbox';
import type { CollectionName, Collections } from './records';

/**
 * Records of one type, keyed by (scope, id). Every write resolves only once it is durable:
 * committed to the SQLite WAL with a full sync, or acknowledged by Redis (which the deployment
 * runs with appendfsync always). Failures reject with AppError('unavailable').
 */
export interface Collection<T> {
  get(scope: string, id: string): Promise<T | undefined>;
  /** All records of a scope, in no promised order: callers sort by what they mean. */
  list(scope: string): Promise<T[]>;
  /**
   * Inserts or replaces; `outbox` entries are written in the same atomic step (a change and the
   * message that reports it: server/conference/ConferenceBus.ts `commit`).
   */
  put(record: T, outbox?: readonly OutboxEntry[]): Promise<void>;
  /** Inserts only when the id is new in its scope; false (and nothing written) otherwise. */
  insert(record: T): Promise<boolean>;
  delete(scope: string, id: string): Promise<boolean>;
}

/**
 * How many votes one network source (see signaling/networkSource.ts) may add to one question: while it
 * has fewer than `limit` counted votes on it within the last `windowMs`, a vote counts; beyond, it is
 * held (recorded, not counted) until a moderator counts it.
 */
export interface VoteBudget {
  source: string;
  limit: number;
  windowMs: number;
  nowMs: number;
}

/** What adding a vote did: counted, held past its source's budget, or nothing (the voter had voted). */
export type VoteOutcome = 'counted' | 'held' | 'duplicate';

/** One vote per voter per question, whatever the retries: adding twice changes nothing. */
export interface Votes {
  /** Without a budget the vote counts (invited participants, seeded votes). Atomic per question. */
  add(questionId: string, voterId: string, budget?: VoteBudget): Promise<VoteOutcome>;
  /** Counted votes per question. */
  counts(questionIds: readonly string[]): Promise<Map<string, number>>;
  /** Held votes per question. */
  held(questionIds: readonly string[]): Promise<Map<string, number>>;
  /** Counts a question's held votes (a moderator vouched for them); answers how many there were. */
  countHeld(questionId: string): Promise<number>;
}

/** The time an accepted meeting takes from each thing it holds. */
export interface Booking {
  eventId: string;
  meetingId: string;
  startMs: number;
  endMs: number;
  /** What cannot be in two places at once: `delegate:<id>`, `table:<label>`, `slot:<id>`. */
  holders: string[];
}

/** Who already holds the time a booking asked for. */
export interface BookingClash {
  holder: string;
  meetingId: string;
}

/** Meetings' hold on delegates, tables and slots: never two overlapping bookings of one holder, on every node. */
export interface Bookings {
  /**
   * Atomically: unless a holder has another booking that overlaps, records the booking and stores
   * `meeting` in `meetings` and `outbox` in the outbox; otherwise changes nothing and answers the clash.
   * Booking the same meeting again changes nothing else and succeeds.
   */
  book(booking: Booking, meeting: MeetingRecord, outbox?: readonly OutboxEntry[]): Promise<BookingClash | null>;
  /** Atomically frees the booking's holders and stores `meeting` (now cancelled) and `outbox`. */
  release(booking: Booking, meeting: MeetingRecord, outbox?: readonly OutboxEntry[]): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'redis';
  collection<C extends CollectionName>(name: C): Collection<Collections[C]>;
  readonly votes: Votes;
  readonly bookings: Bookings;
  /** Pending webhook deliveries (server/webhooks). */
  readonly outbox: Outbox;
  /** Resolves when the store answers; rejects with AppError('unavailable') otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
