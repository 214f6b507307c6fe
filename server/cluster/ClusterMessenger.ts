import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, isErrorCode, toErrorAnswer } from '../errors';
import type { RedisConnection } from './redisClients';

/** A request from one node to another; `from` is the asking node. */
export type RequestHandler = (payload: unknown, from: string) => Promise<unknown>;

type Envelope =
  | { kind: 'request'; id: string; from: string; method: string; payload: unknown }
  | { kind: 'reply'; id: string; ok: true; data: unknown }
  | { kind: 'reply'; id: string; ok: false; code: string; message: string };

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

function parseEnvelope(raw: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !('kind' in value) || !('id' in value) || typeof value.id !== 'string') return null;
  if (
    value.kind === 'request' &&
    'from' in value &&
    typeof value.from === 'string' &&
    'method' in value &&
    typeof value.method === 'string'
  ) {
    return value as Envelope;
  }
  if (value.kind === 'reply' && 'ok' in value && typeof value.ok === 'boolean') return value as Envelope;
  return null;
}

/**
 * Node-to-node requests and channel messages over Redis pub/sub. Each node listens on a channel of
 * its own for requests and replies; a request to a node that is not listening fails at once, one that
 * is not answered in time fails as `unavailable`. Channel messages are fire-and-forget.
 */
export class ClusterMessenger {
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Map<string, Set<(message: unknown) => void>>();
  readonly #inbox: string;
  readonly #logger: Logger;
  #closed = false;
  /** One listener for every channel this node subscribes to. */
  readonly #received = (raw: string, channel: string): void => this.#onMessage(channel, raw);

  constructor(
    readonly nodeId: string,
    private readonly pub: RedisConnection,
    private readonly sub: RedisConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    logger: Logger,
  ) {
    this.#inbox = `${prefix}inbox:${nodeId}`;
    this.#logger = logger.child({ module: 'ClusterMessenger' });
  }

  async start(): Promise<void> {
    await this.sub.subscribe(this.#inbox, this.#received);
  }

  onRequest(method: string, handler: RequestHandler): void {
    this.#handlers.set(method, handler);
  }

  /** Asks one node; resolves with its answer or rejects with the error it answered (taxonomy codes kept). */
  async request(nodeId: string, method: string, payload: unknown): Promise<unknown> {
    if (this.#closed) throw new AppError('unavailable', 'cluster messaging is closed');
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError('unavailable', `node ${nodeId} did not answer ${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    const envelope: Envelope = { kind: 'request', id, from: this.nodeId, method, payload };
    let receivers: number;
    try {
      receivers = await this.pub.publish(`${this.prefix}inbox:${nodeId}`, JSON.stringify(envelope));
    } catch (error) {
      this.#settle(id, (pending) =>
        pending.reject(new AppError('unavailable', `cannot reach node ${nodeId}: Redis is unavailable`, { cause: error })),
      );
      return answer;
    }
    if (receivers === 0) this.#settle(id, (pending) => pending.reject(new AppError('unavailable', `node ${nodeId} is not reachable`)));
    return answer;
  }

  /** Publishes to a channel; a failure is logged, not thrown (channel messages are best effort). */
  async publish(channel: string, message: unknown): Promise<void> {
    try {
      await this.pub.publish(this.prefix + channel, JSON.stringify(message));
    } catch (error) {
      this.#logger.warn({ err: error, channel }, 'publish() failed');
    }
  }

  /** Listens to a channel until the returned function is called. */
  subscribe(channel: string, listener: (message: unknown) => void): () => void {
    const name = this.prefix + channel;
    let listeners = this.#listeners.get(name);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(name, listeners);
      this.sub.subscribe(name, this.#received).catch((error: unknown) => this.#logger.warn({ err: error, channel }, 'subscribe() failed'));
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(name);
      if (!current?.delete(listener) || current.size > 0) return;
      this.#listeners.delete(name);
      this.sub.unsubscribe(name, this.#received).catch(() => undefined);
    };
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#pending.keys()])
      this.#settle(id, (pending) => pending.reject(new AppError('unavailable', 'cluster messaging closed')));
  }

  #settle(id: string, settle: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    settle(pending);
  }

  #onMessage(channel: string, raw: string): void {
    if (channel !== this.#inbox) {
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      for (const listener of this.#listeners.get(channel) ?? []) listener(message);
      return;
    }
    const envelope = parseEnvelope(raw);
    if (!envelope) {
      this.#logger.warn({ channel }, 'unreadable message ignored');
      return;
    }
    if (envelope.kind === 'reply') {
      this.#settle(envelope.id, (pending) =>
        envelope.ok
          ? pending.resolve(envelope.data)
          : pending.reject(new AppError(isErrorCode(envelope.code) ? envelope.code : 'internal', envelope.message)),
      );
      return;
    }
    void this.#answer(envelope);
  }

  async #answer(request: Extract<Envelope, { kind: 'request' }>): Promise<void> {
    let reply: Envelope;
    const handler = this.#handlers.get(request.method);
    try {
      if (!handler) throw new AppError('not_found', `no cluster method ${request.method}`);
      reply = { kind: 'reply', id: request.id, ok: true, data: (await handler(request.payload, request.from)) ?? null };
    } catch (error) {
      const { body, unexpected } = toErrorAnswer(error);
      if (unexpected) this.#logger.error({ err: error, method: request.method, from: request.from }, 'cluster request failed');
      reply = { kind: 'reply', id: request.id, ok: false, code: body.code, message: body.message };
    }
    try {
      await this.pub.publish(`${this.prefix}inbox:${request.from}`, JSON.stringify(reply));
    } catch (error) {
      this.#logger.warn({ err: error, method: request.method }, 'reply not sent');
    }
  }
}
