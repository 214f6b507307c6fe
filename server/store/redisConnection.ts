import { ClientOfflineError, createClient, ErrorReply } from 'redis';

/*
 * How stagecast holds a Redis connection (node-redis), and what that rests on. Read in
 * @redis/client 5.12.1, dist/lib/client/{index,socket,commands-queue}.js:
 * - With `disableOfflineQueue`, `sendCommand` rejects at once (ClientOfflineError) while the socket is
 *   not ready (index.js, `sendCommand`): nothing is queued to be sent once Redis is back.
 * - When the socket fails, the client's socket 'error' listener (index.js, `#attachListeners`) calls
 *   `queue.flushAll(error)` when the offline queue is disabled: every command waiting for its answer
 *   and every one not yet written is rejected. (With the offline queue, `flushWaitingForReply` rejects
 *   those in flight and keeps the unwritten ones for the next connection.) There is no re-send of
 *   commands in flight: a command reported as failed is not sent again by the client.
 * - The per-command `timeout` and `abortSignal` options only cover a command waiting to be written:
 *   `commandsToWrite()` drops its timer once it is on the socket (commands-queue.js), so an answer that
 *   never comes (a Redis that hangs) would be waited for forever. Hence our own timer, `withCommandTimeout`.
 * - A MULTI (and a pipeline) is queued past that offline check (index.js, `_executeMulti`): see `bounded`.
 * - The reconnect loop (socket.js, `#connect`) goes on in the background as long as the strategy returns
 *   a number, and emits 'error' on the client for every failed attempt: an 'error' without a listener
 *   would end the process. `connect()` settles only once ready (or closed).
 * - A subscriber re-subscribes every channel and pattern it has listeners for on each new connection,
 *   before 'ready' (the socket initiator's `queue.resubscribe()` → pub-sub.js `resubscribe()`).
 */

export interface RedisConnectionOptions {
  url: string;
  /** A connection attempt slower than this fails (and is retried). */
  timeoutMs: number;
  /** Sent as CLIENT SETNAME, to tell the connections apart in CLIENT LIST. */
  name?: string;
  /** Every connection error, failed reconnect attempts included. */
  onError: (error: Error) => void;
}

/** While Redis is away, a new connection attempt at least this often. */
const RECONNECT_MAX_DELAY_MS = 500;

function open(options: RedisConnectionOptions, queueWhileOffline: boolean) {
  const client = createClient({
    url: options.url,
    name: options.name,
    disableOfflineQueue: !queueWhileOffline,
    socket: {
      connectTimeout: options.timeoutMs,
      // Never gives up: the node recovers by itself once Redis answers again.
      reconnectStrategy: (retries: number) => Math.min((retries + 1) * 100, RECONNECT_MAX_DELAY_MS),
    },
  });
  client.on('error', options.onError);
  // The first connection is made in the background, like every later one; its failures reach onError.
  client.connect().catch(() => undefined);
  return client;
}

export type RedisConnection = ReturnType<typeof open>;

/** Runs one command on the store's connection (RedisStore's link: timeouts, `unavailable`). */
export type RunCommand = <R>(command: (redis: RedisConnection) => Promise<R>) => Promise<R>;

/**
 * A connection for commands: while Redis is away a command fails at once instead of waiting in a queue,
 * and one in flight when the connection drops fails and is never sent again, so a write reported as
 * failed does not happen later. It connects in the background and keeps reconnecting.
 */
export function commandConnection(options: RedisConnectionOptions): RedisConnection {
  return open(options, false);
}

/** The calls that add a subscription (node-redis keeps both spellings of each command). */
const SUBSCRIBING = new Set<PropertyKey>(['subscribe', 'SUBSCRIBE', 'pSubscribe', 'PSUBSCRIBE', 'sSubscribe', 'SSUBSCRIBE']);

/**
 * A connection for subscriptions: a SUBSCRIBE issued while Redis is away waits for the connection
 * (subscribing is idempotent), and every subscription is renewed after a reconnect. node-redis renews
 * only those Redis confirmed (pub-sub.js adds the listener when the SUBSCRIBE is answered): one in flight
 * when the connection drops is rejected and would be forgotten, so it is asked for again here.
 */
export function subscriberConnection(options: RedisConnectionOptions): RedisConnection {
  const client = open(options, true);
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!SUBSCRIBING.has(property)) return (value as (...args: unknown[]) => unknown).bind(target);
      const subscribe = (...args: unknown[]): Promise<unknown> =>
        Promise.resolve(Reflect.apply(value, target, args) as unknown).catch((error: unknown) => {
          // A refusal by Redis (ErrorReply) would be refused again; a closed connection subscribes no more.
          if (error instanceof ErrorReply || !target.isOpen) throw error;
          return subscribe(...args);
        });
      return subscribe;
    },
  });
}

/** Settles as `promise` does, or rejects with `message` once `ms` have passed (the command may still run on Redis). */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same connection, where every command (and a MULTI's exec) not answered within `timeoutMs`
 * fails; its late answer is dropped. node-redis bounds only the wait before a command is written.
 */
export function withCommandTimeout(client: RedisConnection, timeoutMs: number): RedisConnection {
  return bounded(client, timeoutMs, null);
}

/**
 * `target` with its promises bounded by `timeoutMs`. `ready` is given for a MULTI: node-redis queues a
 * transaction's commands itself (index.js, `_executeMulti` and `_executePipeline`), past the offline check
 * of `sendCommand`, so one sent while Redis is away would wait for the next connection. It is refused.
 */
function bounded<T extends object>(target: T, timeoutMs: number, ready: (() => boolean) | null): T {
  const view: T = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        if (ready && /^exec/i.test(String(property)) && !ready()) return Promise.reject(new ClientOfflineError());
        const result: unknown = Reflect.apply(value, object, args);
        if (result instanceof Promise) return within(result, timeoutMs, `Redis did not answer ${String(property)} within ${timeoutMs} ms`);
        // Chained calls (`on()`, a MULTI's commands) keep returning the bounded view.
        if (result === object) return view;
        if ((property === 'multi' || property === 'MULTI') && typeof result === 'object' && result !== null) {
          return bounded(result, timeoutMs, () => Reflect.get(object, 'isReady', object) === true);
        }
        return result;
      };
    },
  });
  return view;
}

/** Resolves once the connection is ready, or rejects after the timeout (or at once when it is closed). */
export async function whenReady(client: RedisConnection, timeoutMs: number): Promise<void> {
  if (client.isReady) return;
  if (!client.isOpen) throw new Error('Redis connection closed');
  let onReady = (): void => undefined;
  try {
    await within(
      new Promise<void>((resolve) => {
        onReady = resolve;
        client.once('ready', onReady);
      }),
      timeoutMs,
      `not connected to Redis within ${timeoutMs} ms`,
    );
  } finally {
    client.off('ready', onReady);
  }
}

/**
 * Closes at once, without waiting on Redis (it may be away): commands still waiting for an answer
 * fail, and a reconnect in progress stops.
 */
export function closeConnection(client: RedisConnection): void {
  if (client.isOpen) client.destroy();
}
