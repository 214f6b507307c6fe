import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface ClusterRedisOptions {
  url: string;
  /** A command slower than this fails; nothing waits for Redis longer. */
  commandTimeoutMs: number;
}

/**
 * A connection for commands and publishing: while Redis is away commands fail at once instead of
 * queueing (a heartbeat or a broadcast sent late is worse than one not sent), and the connection
 * keeps retrying in the background so the node recovers by itself.
 */
export function commandClient(options: ClusterRedisOptions, logger: Logger, name: string): Redis {
  const redis = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    connectionName: name,
  });
  redis.on('error', (error: Error) => logger.debug({ err: error, connection: name }, 'redis connection error'));
  return redis;
}

/** A connection for subscriptions: it re-subscribes by itself after a reconnect. */
export function subscriberClient(options: ClusterRedisOptions, logger: Logger, name: string): Redis {
  const redis = new Redis(options.url, {
    connectTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    connectionName: name,
  });
  redis.on('error', (error: Error) => logger.debug({ err: error, connection: name }, 'redis connection error'));
  return redis;
}

/** Resolves once the connection is ready, or rejects after the timeout. */
export async function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready within ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The Socket.IO Redis adapter publishes without handling the promise it gets back, so a publish that
 * fails during a Redis outage would be an unhandled rejection, which ends the process. This view of
 * the connection answers such a failure by counting the lost broadcast instead.
 */
export function adapterPublisher(redis: Redis, onDropped: (error: unknown) => void): Redis {
  return new Proxy(redis, {
    get(target, property) {
      if (property === 'publish') {
        return (...args: Parameters<Redis['publish']>) => target.publish(...args).catch((error: unknown) => {
          onDropped(error);
          return 0;
        });
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
