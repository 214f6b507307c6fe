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
  /** Inserts or replaces. */
  put(record: T): Promise<void>;
  /** Inserts only when the id is new in its scope; false (and nothing written) otherwise. */
  insert(record: T): Promise<boolean>;
  delete(scope: string, id: string): Promise<boolean>;
}

/** One vote per voter per question, whatever the retries: adding twice is a no-op. */
export interface Votes {
  add(questionId: string, voterId: string): Promise<boolean>;
  remove(questionId: string, voterId: string): Promise<boolean>;
  counts(questionIds: readonly string[]): Promise<Map<string, number>>;
  hasVoted(questionId: string, voterId: string): Promise<boolean>;
}

export interface Store {
  readonly kind: 'sqlite' | 'redis';
  collection<C extends CollectionName>(name: C): Collection<Collections[C]>;
  readonly votes: Votes;
  /** Resolves when the store answers; rejects with AppError('unavailable') otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
