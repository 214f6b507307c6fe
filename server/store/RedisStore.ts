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
  readonly #redis: Redis;
  readonly #prefix: string;
  #collections = new Map<CollectionName, Collection<unknown>>();
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'stagecast:';
    this.#redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
      // Keep retrying the connection in the background: the node recovers without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Connection errors surface on each command as `unavailable`; the event must still be consumed.
    this.#redis.on('error', () => undefined);
    this.votes = new RedisVotes(this.#redis, this.#prefix);
  }

  collection<C extends CollectionName>(name: C): Collection<Collections[C]> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new RedisCollection(this.#redis, `${this.#prefix}${name}:`, SCOPE_OF[name]);
      this.#collections.set(name, collection);
    }
    return collection as Collection<Collections[C]>;
  }

  async ping(): Promise<void> {
    await call(() => this.#redis.ping());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}

/** Runs one Redis command, turning any failure (down, timeout, closed) into `unavailable`. */
async function call<R>(command: () => Promise<R>): Promise<R> {
  try {
    return await command();
  } catch (error) {
    throw new AppError('unavailable', 'store unavailable', { cause: error });
  }
}

class RedisCollection<T extends { id: string }> implements Collection<T> {
  constructor(
    private readonly redis: Redis,
    private readonly keyBase: string,
    private readonly scopeOf: (record: T) => string,
  ) {}

  #key(scope: string): string {
    return this.keyBase + scope;
  }

  async get(scope: string, id: string): Promise<T | undefined> {
    const data = await call(() => this.redis.hget(this.#key(scope), id));
    return data === null ? undefined : (JSON.parse(data) as T);
  }

  async list(scope: string): Promise<T[]> {
    const values = await call(() => this.redis.hvals(this.#key(scope)));
    return values.map((data) => JSON.parse(data) as T);
  }

  async put(record: T): Promise<void> {
    await call(() => this.redis.hset(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
  }

  async insert(record: T): Promise<boolean> {
    const added = await call(() => this.redis.hsetnx(this.#key(this.scopeOf(record)), record.id, JSON.stringify(record)));
    return added === 1;
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return (await call(() => this.redis.hdel(this.#key(scope), id))) === 1;
  }
}

class RedisVotes implements Votes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #key(questionId: string): string {
    return `${this.prefix}votes:${questionId}`;
  }

  async add(questionId: string, voterId: string): Promise<boolean> {
    return (await call(() => this.redis.sadd(this.#key(questionId), voterId))) === 1;
  }

  async remove(questionId: string, voterId: string): Promise<boolean> {
    return (await call(() => this.redis.srem(this.#key(questionId), voterId))) === 1;
  }

  async hasVoted(questionId: string, voterId: string): Promise<boolean> {
    return (await call(() => this.redis.sismember(this.#key(questionId), voterId))) === 1;
  }

  async counts(questionIds: readonly string[]): Promise<Map<string, number>> {
    if (questionIds.length === 0) return new Map();
    const results = await call(async () => {
      const pipeline = this.redis.pipeline();
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
