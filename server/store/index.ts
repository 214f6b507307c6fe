import type { Config } from '../config';
import { RedisStore } from './RedisStore';
import { SqliteStore } from './SqliteStore';
import type { Store } from './Store';

export type { Collection, Store } from './Store';

export function createStore(config: Config): Store {
  return config.store === 'redis'
    ? new RedisStore({ url: config.redisUrl, commandTimeoutMs: config.redisCommandTimeoutMs })
    : new SqliteStore(config.sqlitePath);
}
