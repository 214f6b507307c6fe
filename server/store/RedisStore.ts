import { Redis } from 'ioredis';
import { AppError } from '../errors';
import { SCOPE_OF, type CollectionName, type Collections } from './records';
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
    const redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.commandTimeoutMs,
      // ioredis would queue a command while Redis is away and send it once back, and re-send one that
      // was in flight when the connection dropped: either runs a write after its caller was told it
      // failed. RedisLink waits for the connection itself, within the timeout, and never sends late.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
      // Keep retrying the connection in the background: the node recovers without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 500),
    });
    // Connection errors surface on each command as `unavailable`; the event must still be consumed.
    redis.on('error', () => undefined);
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

  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs: number,
  ) {}

  async run<R>(command: (redis: Redis) => Promise<R>): Promise<R> {
    try {
      await this.#connected();
      return await command(this.redis);
    } catch (error) {
      throw new AppError('unavailable', 'store unavailable', { cause: error });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  async #connected(): Promise<void> {
    if (this.redis.status === 'ready') return;
    if (this.#closed || this.redis.status === 'end') throw new Error('store closed');
    // One listener for every waiting command, however many.
    this.#ready ??= new Promise<void>((resolve) => {
      this.redis.once('ready', () => {
        this.#ready = null;
        resolve();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`not connected to Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.#ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    const data = await this.link.run((redis) => redis.hget(this.#key(scope), id));
    return data === null ? undefined : (JSON.parse(data) as T);
  }

  async list(scope: string): Promise<T[]> {
    const values = await this.link.run((redis) => redis.hvals(this.#key(scope)));
    return values.map((data) => JSON.parse(data) as T);
  }

  async put(record: T): Promise<void> {
    await this.link.run((redis) => redis.hset(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
  }

  async insert(record: T): Promise<boolean> {
    const added = await this.link.run((redis) => redis.hsetnx(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
    return added === 1;
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.hdel(this.#key(scope), id))) === 1;
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
    return (await this.link.run((redis) => redis.sadd(this.#key(questionId), voterId))) === 1;
  }

  async remove(questionId: string, voterId: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.srem(this.#key(questionId), voterId))) === 1;
  }

  async hasVoted(questionId: string, voterId: string): Promise<boolean> {
    return (await this.link.run((redis) => redis.sismember(this.#key(questionId), voterId))) === 1;
  }

  async counts(questionIds: readonly string[]): Promise<Map<string, number>> {
    if (questionIds.length === 0) return new Map();
    const results = await this.link.run(async (redis) => {
      const pipeline = redis.pipeline();
      for (const id of questionIds) pipeline.scard(this.#key(id));
      return (await pipeline.exec()) ?? [];
    });
    return new Map(
      questionIds.map((id, i) => {
        const [error, value] = results[i] ?? [null, 0];
        if (error) throw new AppError('unavailable', 'store unavailable', { cause: error });
        return [id, Number(value)];
      }),
    );
  }
}
