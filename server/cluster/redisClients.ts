import type { Logger } from 'pino';
import { commandConnection, subscriberConnection, type RedisConnection, withCommandTimeout } from '../store/redisConnection';

export { closeConnection, type RedisConnection, whenReady } from '../store/redisConnection';

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
export function commandClient(options: ClusterRedisOptions, logger: Logger, name: string): RedisConnection {
  const redis = commandConnection({ url: options.url, timeoutMs: options.commandTimeoutMs, name, onError: logErrors(logger, name) });
  return withCommandTimeout(redis, options.commandTimeoutMs);
}

/** A connection for subscriptions: it re-subscribes by itself after a reconnect. */
export function subscriberClient(options: ClusterRedisOptions, logger: Logger, name: string): RedisConnection {
  return subscriberConnection({ url: options.url, timeoutMs: options.commandTimeoutMs, name, onError: logErrors(logger, name) });
}

function logErrors(logger: Logger, name: string): (error: Error) => void {
  return (error) => logger.debug({ err: error, connection: name }, 'redis connection error');
}

/** Wraps the methods named so that a rejection is handed to `onRejected` instead of going unhandled. */
function catching(
  redis: RedisConnection,
  methods: ReadonlySet<PropertyKey>,
  onRejected: (error: unknown, method: string) => void,
): RedisConnection {
  return new Proxy(redis, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!methods.has(property)) return (value as (...args: unknown[]) => unknown).bind(target);
      return (...args: unknown[]): Promise<unknown> =>
        Promise.resolve(Reflect.apply(value, target, args) as unknown).catch((error: unknown) => {
          onRejected(error, String(property));
          return 0;
        });
    },
  });
}

/**
 * The Socket.IO Redis adapter publishes without handling the promise it gets back, so a publish that
 * fails during a Redis outage would be an unhandled rejection, which ends the process. This view of
 * the connection answers such a failure by counting the lost broadcast instead.
 */
export function adapterPublisher(redis: RedisConnection, onDropped: (error: unknown) => void): RedisConnection {
  return catching(redis, new Set(['publish', 'PUBLISH']), (error) => onDropped(error));
}

/**
 * The adapter does not handle the promises of its (un)subscriptions either: it subscribes when it is
 * created and unsubscribes when Socket.IO closes, right before the connection is closed, which rejects
 * the unsubscriptions still in flight. A subscription is only reported failed once the subscriber
 * connection gave up on it (closed, or refused by Redis).
 */
export function adapterSubscriber(redis: RedisConnection, onFailed: (error: unknown, method: string) => void): RedisConnection {
  return catching(
    redis,
    new Set(['subscribe', 'SUBSCRIBE', 'unsubscribe', 'UNSUBSCRIBE', 'pSubscribe', 'PSUBSCRIBE', 'pUnsubscribe', 'PUNSUBSCRIBE']),
    (error, method) => {
      // Subscriptions end with their connection: an unsubscription that fails at close changes nothing.
      if (!/unsubscribe/i.test(method)) onFailed(error, method);
    },
  );
}
