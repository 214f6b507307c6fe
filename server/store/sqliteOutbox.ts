import type Database from 'better-sqlite3';
import type { Outbox, OutboxEntry } from './Outbox';

/**
 * The outbox in the node's SQLite file. Only one process opens that file, so a claim is one
 * transaction; better-sqlite3 is synchronous, so nothing interleaves with it on the event loop.
 */
export class SqliteOutbox implements Outbox {
  /** Adds entries; inside a caller's transaction it joins it (better-sqlite3 nests transactions as savepoints). */
  readonly addNow: (entries: readonly OutboxEntry[]) => void;
  readonly #replace: (claimed: Pick<OutboxEntry, 'id' | 'dueAtMs'>, entries: readonly OutboxEntry[]) => boolean;
  readonly #claim: (nowMs: number, leaseMs: number, limit: number) => OutboxEntry[];
  readonly #reschedule: Database.Statement<[number, string, string]>;
  readonly #remove: Database.Statement<[string]>;
  readonly #size: Database.Statement<[], { n: number }>;
  readonly #next: Database.Statement<[string], { value: number }>;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox (due_at);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    `);
    const insert = db.prepare<[string, number, string]>('INSERT OR REPLACE INTO outbox (id, due_at, data) VALUES (?, ?, ?)');
    this.addNow = db.transaction((entries: readonly OutboxEntry[]) => {
      for (const entry of entries) insert.run(entry.id, entry.dueAtMs, entry.data);
    });
    const removeClaimed = db.prepare<[string, number]>('DELETE FROM outbox WHERE id = ? AND due_at = ?');
    this.#replace = db.transaction((claimed: Pick<OutboxEntry, 'id' | 'dueAtMs'>, entries: readonly OutboxEntry[]) => {
      if (removeClaimed.run(claimed.id, claimed.dueAtMs).changes === 0) return false;
      this.addNow(entries);
      return true;
    });
    const due = db.prepare<[number, number], { id: string; data: string }>(
      'SELECT id, data FROM outbox WHERE due_at <= ? ORDER BY due_at, id LIMIT ?',
    );
    const lease = db.prepare<[number, string]>('UPDATE outbox SET due_at = ? WHERE id = ?');
    this.#claim = db.transaction((nowMs: number, leaseMs: number, limit: number) =>
      due.all(nowMs, limit).map((row) => {
        lease.run(nowMs + leaseMs, row.id);
        return { id: row.id, data: row.data, dueAtMs: nowMs + leaseMs };
      }),
    );
    this.#reschedule = db.prepare('UPDATE outbox SET due_at = ?, data = ? WHERE id = ?');
    this.#remove = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.#size = db.prepare('SELECT COUNT(*) AS n FROM outbox');
    this.#next = db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
    );
  }

  async add(entries: readonly OutboxEntry[]): Promise<void> {
    this.addNow(entries);
  }

  async replace(claimed: Pick<OutboxEntry, 'id' | 'dueAtMs'>, entries: readonly OutboxEntry[]): Promise<boolean> {
    return this.#replace(claimed, entries);
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    return this.#claim(nowMs, leaseMs, limit);
  }

  async reschedule(entry: OutboxEntry): Promise<void> {
    this.#reschedule.run(entry.dueAtMs, entry.data, entry.id);
  }

  async remove(id: string): Promise<void> {
    this.#remove.run(id);
  }

  async size(): Promise<number> {
    return this.#size.get()?.n ?? 0;
  }

  async nextSequence(name: string): Promise<number> {
    return this.#next.get(name)?.value ?? 1;
  }
}
