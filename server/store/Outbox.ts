/** One pending message of the outbox: an opaque JSON body, due at a time. */
export interface OutboxEntry {
  id: string;
  dueAtMs: number;
  data: string;
}

/**
 * The webhook outbox, durable in the store, shared by every node of a cluster. A claim leases what it
 * answers: the entries' due time moves `leaseMs` ahead in the same atomic step, so no other claim sees
 * them until the lease runs out (a node killed mid-delivery leaves its entries to be claimed again).
 */
export interface Outbox {
  /** Adds the entries, all or none. */
  add(entries: readonly OutboxEntry[]): Promise<void>;
  /** Up to `limit` entries due at `nowMs`, earliest first (ties by id), each leased until `nowMs + leaseMs`. */
  claimDue(nowMs: number, leaseMs: number, limit: number): Promise<OutboxEntry[]>;
  /**
   * Atomically removes `claimed` and adds `entries`, only while `claimed` is still there with the due time
   * it had when it was claimed (no other node has claimed it since); false, and nothing done, otherwise.
   */
  replace(claimed: Pick<OutboxEntry, 'id' | 'dueAtMs'>, entries: readonly OutboxEntry[]): Promise<boolean>;
  /** Sets an entry's due time and body (a failed attempt); nothing when it is gone. */
  reschedule(entry: OutboxEntry): Promise<void>;
  remove(id: string): Promise<void>;
  /** How many entries wait (due or leased). */
  size(): Promise<number>;
  /** The next value (1, 2, …) of a named counter: per-stage sequence numbers, atomic on every node. */
  nextSequence(name: string): Promise<number>;
}
