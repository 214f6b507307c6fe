import { AppError } from '../errors';
import { SCOPE_OF, type CollectionName, type Collections } from './records';
import { closeConnection, commandConnection, type RedisConnection, withCommandTimeout, within } from './redisConnection';
import { collectionKeyBase, RedisBookings } from './redisBookings';
import { RedisOutbox } from './redisOutbox';
import type { Outbox, OutboxEntry } from './Outbox';
import type { Bookings, Collection, Store, VoteBudget, VoteOutcome, Votes } from './Store';

export interface RedisStoreOptions {
  url: string;
  /** A command not answered within this many ms fails as `unavailable` instead of hanging. */
  commandTimeoutMs: number;
  /** Prefix of every key, so several deployments can share one Redis. */
  keyPrefix?: string;
}

/**
 * The shared store for several nodes. Each (collection, scope) is one Redis hash of id → JSON,
 * so every operation is a single atomic command. Durability is Redis's: run it with
 * `appendonly yes` and `appendfsync always` for acknowledged writes to survive a crash.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly votes: Votes;
  readonly bookings: Bookings;
  readonly outbox: Outbox;
  readonly #link: RedisLink;
  readonly #outbox: RedisOutbox;
  readonly #prefix: string;
  #collections = new Map<CollectionName, Collection<unknown>>();
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'stagecast:';
    // A command connection (see redisConnection.ts): nothing is queued while Redis is away and nothing in
    // flight when the connection drops is sent again, so a write reported as failed never happens later.
    // Connection errors surface on each command as `unavailable`; the event must still be consumed.
    const redis = commandConnection({ url: options.url, timeoutMs: options.commandTimeoutMs, onError: () => undefined });
    this.#link = new RedisLink(redis, options.commandTimeoutMs);
    this.votes = new RedisVotes(this.#link, this.#prefix);
    this.#outbox = new RedisOutbox((command) => this.#link.run(command), this.#prefix);
    this.outbox = this.#outbox;
    this.bookings = new RedisBookings((command) => this.#link.run(command), this.#prefix, this.#outbox);
  }

  collection<C extends CollectionName>(name: C): Collection<Collections[C]> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new RedisCollection(this.#link, collectionKeyBase(this.#prefix, name), SCOPE_OF[name], this.#outbox);
      this.#collections.set(name, collection);
    }
    return collection as Collection<Collections[C]>;
  }

  async ping(): Promise<void> {
    await this.#link.run((redis) => redis.ping());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#link.close();
  }
}

/**
 * The connection every command goes through. A command runs only on a ready connection: while one is
 * being (re)opened it waits for it, up to the command timeout, then fails as `unavailable` without ever
 * being sent. Once sent, the command timeout bounds the wait for its answer. Any failure (down,
 * timeout, closed) is `unavailable`.
 */
class RedisLink {
  #ready: Promise<void> | null = null;
  #closed = false;
  readonly #commands: RedisConnection;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly timeoutMs: number,
  ) {
    this.#commands = withCommandTimeout(redis, timeoutMs);
  }

  async run<R>(command: (redis: RedisConnection) => Promise<R>): Promise<R> {
    try {
      await this.#connected();
      const sent = command(this.#commands);
      this.#inFlight.add(sent);
      try {
        return await sent;
      } finally {
        this.#inFlight.delete(sent);
      }
    } catch (error) {
      throw new AppError('unavailable', 'store unavailable', { cause: error });
    }
  }

  /** Lets the commands already sent have their answer (each within the timeout), then drops the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#inFlight);
    closeConnection(this.redis);
  }

  async #connected(): Promise<void> {
    if (this.#closed || !this.redis.isOpen) throw new Error('store closed');
    if (this.redis.isReady) return;
    // One listener for every waiting command, however many.
    this.#ready ??= new Promise<void>((resolve) => {
      this.redis.once('ready', () => {
        this.#ready = null;
        resolve();
      });
    });
    await within(this.#ready, this.timeoutMs, `not connected to Redis within ${this.timeoutMs} ms`);
  }
}

class RedisCollection<T extends { id: string }> implements Collection<T> {
  constructor(
    private readonly link: RedisLink,
    private readonly keyBase: string,
    private readonly scopeOf: (record: T) => string,
    private readonly outbox: RedisOutbox,
  ) {}

  #key(scope: string): string {
    return this.keyBase + scope;
  }

  async get(scope: string, id: string): Promise<T | undefined> {
    const data = await this.link.run((redis) => redis.hGet(this.#key(scope), id));
    return data === null ? undefined : (JSON.parse(data) as T);
  }

  async list(scope: string): Promise<T[]> {
    const values = await this.link.run((redis) => redis.hVals(this.#key(scope)));
    return values.map((data) => JSON.parse(data) as T);
  }

  async put(record: T, outbox: readonly OutboxEntry[] = []): Promise<void> {
    const key = this.#key(this.scopeOf(record));
    if (outbox.length === 0) await this.link.run((redis) => redis.hSet(key, record.id, JSON.stringify(record)));
    else
      await this.link.run((redis) => {
        const multi = redis.multi().hSet(key, record.id, JSON.stringify(record));
        this.outbox.addTo(multi, outbox);
        return multi.exec();
      });
  }

  async insert(record: T): Promise<boolean> {
    const added = await this.link.run((redis) => redis.hSetNX(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
    return added === 1;
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.hDel(this.#key(scope), id))) === 1;
  }
}

/**
 * Adds a vote atomically. KEYS: counted voters (set), held voters (set), the source's counted votes on
 * the question (sorted set voter → time). ARGV: voter, now, window ms, limit ('' = no budget).
 * Answers 1 counted, 2 held, 0 already voted.
 */
const ADD_VOTE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 or redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
if ARGV[4] ~= '' then
  local now = tonumber(ARGV[2])
  local window = tonumber(ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
    redis.call('SADD', KEYS[2], ARGV[1])
    return 2
  end
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[3], window)
end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
`;

const COUNT_HELD = `
local held = redis.call('SCARD', KEYS[2])
if held > 0 then
  redis.call('SUNIONSTORE', KEYS[1], KEYS[1], KEYS[2])
  redis.call('DEL', KEYS[2])
end
return held
`;

const OUTCOMES: Record<number, VoteOutcome> = { 0: 'duplicate', 1: 'counted', 2: 'held' };

class RedisVotes implements Votes {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {}

  #key(questionId: string): string {
    return `${this.prefix}votes:${questionId}`;
  }

  #heldKey(questionId: string): string {
    return `${this.prefix}heldvotes:${questionId}`;
  }

  async add(questionId: string, voterId: string, budget?: VoteBudget): Promise<VoteOutcome> {
    const keys = [this.#key(questionId), this.#heldKey(questionId), `${this.prefix}votesource:${questionId}:${budget?.source ?? ''}`];
    const args = [voterId, String(budget?.nowMs ?? 0), String(budget?.windowMs ?? 0), budget === undefined ? '' : String(budget.limit)];
    const answer = await this.link.run((redis) => redis.eval(ADD_VOTE, { keys, arguments: args }));
    return OUTCOMES[Number(answer)] ?? 'duplicate';
  }

  async counts(questionIds: readonly string[]): Promise<Map<string, number>> {
    return this.#cardinalities(
      questionIds.map((id) => this.#key(id)),
      questionIds,
    );
  }

  async held(questionIds: readonly string[]): Promise<Map<string, number>> {
    return this.#cardinalities(
      questionIds.map((id) => this.#heldKey(id)),
      questionIds,
    );
  }

  async countHeld(questionId: string): Promise<number> {
    const answer = await this.link.run((redis) => redis.eval(COUNT_HELD, { keys: [this.#key(questionId), this.#heldKey(questionId)] }));
    return Number(answer);
  }

  async #cardinalities(keys: string[], questionIds: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    // Sent together in one write (node-redis pipelines the commands of one tick).
    const counts = await this.link.run((redis) => Promise.all(keys.map((key) => redis.sCard(key))));
    return new Map(questionIds.map((id, i) => [id, counts[i] ?? 0]));
  }
}
