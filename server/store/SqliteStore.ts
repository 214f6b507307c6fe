import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors';
import { SCOPE_OF, type CollectionName, type Collections } from './records';
import { SqliteBookings } from './sqliteBookings';
import { SqliteOutbox } from './sqliteOutbox';
import type { Outbox, OutboxEntry } from './Outbox';
import type { Bookings, Collection, Store, VoteBudget, VoteOutcome, Votes } from './Store';

/**
 * The embedded default store: one SQLite file in WAL mode with `synchronous = FULL`, so a write
 * that returned is on disk even if the process is killed or the machine loses power.
 * better-sqlite3 is synchronous; a statement takes microseconds, so it runs on the event loop.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly votes: Votes;
  readonly bookings: Bookings;
  readonly outbox: Outbox;
  #db: Database.Database;
  #addToOutbox: (entries: readonly OutboxEntry[]) => void;
  #collections = new Map<CollectionName, Collection<unknown>>();
  #closed = false;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 2000');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        collection TEXT NOT NULL, scope TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (collection, scope, id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS votes (
        question_id TEXT NOT NULL, voter_id TEXT NOT NULL, PRIMARY KEY (question_id, voter_id)
      ) WITHOUT ROWID;
    `);
    addVoteSourceColumns(this.#db);
    this.votes = new SqliteVotes(this.#db);
    const outbox = new SqliteOutbox(this.#db);
    this.outbox = outbox;
    this.#addToOutbox = outbox.addNow;
    this.bookings = new SqliteBookings(this.#db, outbox.addNow);
  }

  collection<C extends CollectionName>(name: C): Collection<Collections[C]> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new SqliteCollection(this.#db, name, SCOPE_OF[name], this.#addToOutbox);
      this.#collections.set(name, collection);
    }
    return collection as Collection<Collections[C]>;
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new AppError('unavailable', 'store is closed');
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

class SqliteCollection<T extends { id: string }> implements Collection<T> {
  #get: Database.Statement<[string, string, string], { data: string }>;
  #list: Database.Statement<[string, string], { data: string }>;
  #put: Database.Statement<[string, string, string, string]>;
  #putWithOutbox: (record: T, outbox: readonly OutboxEntry[]) => void;
  #insert: Database.Statement<[string, string, string, string]>;
  #delete: Database.Statement<[string, string, string]>;

  constructor(
    db: Database.Database,
    private readonly name: string,
    private readonly scopeOf: (record: T) => string,
    addToOutbox: (entries: readonly OutboxEntry[]) => void,
  ) {
    this.#get = db.prepare('SELECT data FROM records WHERE collection = ? AND scope = ? AND id = ?');
    this.#list = db.prepare('SELECT data FROM records WHERE collection = ? AND scope = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO records (collection, scope, id, data) VALUES (?, ?, ?, ?)');
    this.#putWithOutbox = db.transaction((record: T, outbox: readonly OutboxEntry[]) => {
      this.#put.run(this.name, this.scopeOf(record), record.id, JSON.stringify(record));
      addToOutbox(outbox);
    });
    this.#insert = db.prepare('INSERT OR IGNORE INTO records (collection, scope, id, data) VALUES (?, ?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM records WHERE collection = ? AND scope = ? AND id = ?');
  }

  async get(scope: string, id: string): Promise<T | undefined> {
    const row = this.#get.get(this.name, scope, id);
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  async list(scope: string): Promise<T[]> {
    return this.#list.all(this.name, scope).map((row) => JSON.parse(row.data) as T);
  }

  async put(record: T, outbox: readonly OutboxEntry[] = []): Promise<void> {
    if (outbox.length > 0) this.#putWithOutbox(record, outbox);
    else this.#put.run(this.name, this.scopeOf(record), record.id, JSON.stringify(record));
  }

  async insert(record: T): Promise<boolean> {
    return this.#insert.run(this.name, this.scopeOf(record), record.id, JSON.stringify(record)).changes === 1;
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return this.#delete.run(this.name, scope, id).changes === 1;
  }
}

/** Stores written before votes had sources gain the columns; their votes count, with no source. */
function addVoteSourceColumns(db: Database.Database): void {
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(votes)')
      .all()
      .map((c) => c.name),
  );
  if (!columns.has('source')) db.exec("ALTER TABLE votes ADD COLUMN source TEXT NOT NULL DEFAULT ''");
  if (!columns.has('counted')) db.exec('ALTER TABLE votes ADD COLUMN counted INTEGER NOT NULL DEFAULT 1');
  if (!columns.has('at_ms')) db.exec('ALTER TABLE votes ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0');
}

class SqliteVotes implements Votes {
  #add: Database.Statement<[string, string, string, number, number]>;
  #countedFromSource: Database.Statement<[string, string, number], { n: number }>;
  #count: Database.Statement<[string, number], { n: number }>;
  #countHeld: Database.Statement<[string]>;
  #addWithin: (questionId: string, voterId: string, budget: VoteBudget | undefined) => VoteOutcome;

  constructor(db: Database.Database) {
    this.#add = db.prepare('INSERT OR IGNORE INTO votes (question_id, voter_id, source, counted, at_ms) VALUES (?, ?, ?, ?, ?)');
    this.#countedFromSource = db.prepare(
      'SELECT COUNT(*) AS n FROM votes WHERE question_id = ? AND source = ? AND counted = 1 AND at_ms > ?',
    );
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM votes WHERE question_id = ? AND counted = ?');
    this.#countHeld = db.prepare('UPDATE votes SET counted = 1 WHERE question_id = ? AND counted = 0');
    // The budget check and the insert are one transaction: two votes of one source cannot both pass it.
    this.#addWithin = db.transaction((questionId: string, voterId: string, budget: VoteBudget | undefined): VoteOutcome => {
      const counts =
        budget === undefined ||
        (this.#countedFromSource.get(questionId, budget.source, budget.nowMs - budget.windowMs)?.n ?? 0) < budget.limit;
      const changes = this.#add.run(questionId, voterId, budget?.source ?? '', counts ? 1 : 0, budget?.nowMs ?? Date.now()).changes;
      if (changes === 0) return 'duplicate';
      return counts ? 'counted' : 'held';
    });
  }

  async add(questionId: string, voterId: string, budget?: VoteBudget): Promise<VoteOutcome> {
    return this.#addWithin(questionId, voterId, budget);
  }

  async counts(questionIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(questionIds.map((id) => [id, this.#count.get(id, 1)?.n ?? 0]));
  }

  async held(questionIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(questionIds.map((id) => [id, this.#count.get(id, 0)?.n ?? 0]));
  }

  async countHeld(questionId: string): Promise<number> {
    return this.#countHeld.run(questionId).changes;
  }
}
