import { AppError } from '../errors';
import { SCOPE_OF, type CollectionName, type Collections } from './records';
import { closeConnection, commandConnection, type RedisConnection, withCommandTimeout, within } from './redisConnection';
import type { Collection, Store, Votes } from './Store';

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
  readonly #link: RedisLink;
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
  }

  collection<C extends CollectionName>(name: C): Collection<Collections[C]> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new RedisCollection(this.#link, `${this.#prefix}${name}:`, SCOPE_OF[name]);
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

  async put(record: T): Promise<void> {
    await this.link.run((redis) => redis.hSet(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
  }

  async insert(record: T): Promise<boolean> {
    const added = await this.link.run((redis) => redis.hSetNX(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
    return added === 1;
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.hDel(this.#key(scope), id))) === 1;
  }
}

class RedisVotes implements Votes {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {}

  #key(questionId: string): string {
    return `${this.prefix}votes:${questionId}`;
  }

  async add(questionId: string, voterId: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.sAdd(this.#key(questionId), voterId))) === 1;
  }

  async remove(questionId: string, voterId: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.sRem(this.#key(questionId), voterId))) === 1;
  }

  async hasVoted(questionId: string, voterId: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.sIsMember(this.#key(questionId), voterId))) === 1;
  }

  async counts(questionIds: readonly string[]): Promise<Map<string, number>> {
    if (questionIds.length === 0) return new Map();
    // Sent together in one write (node-redis pipelines the commands of one tick).
    const counts = await this.link.run((redis) => Promise.all(questionIds.map((id) => redis.sCard(this.#key(id)))));
    return new Map(questionIds.map((id, i) => [id, counts[i] ?? 0]));
  }
}
