import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { RedisConnection } from './redisClients';

/** What a node says about itself on every heartbeat. */
export interface NodeLoad {
  /** Viewers and speakers joined to a stage on this node. */
  viewers: number;
  sockets: number;
  /** Mean CPU of the node's mediasoup workers over the last sample, in percent of one core. */
  workerCpuPercent: number;
  /** Consumers this node can still open before every worker holds a full router's worth. */
  freeConsumers: number;
  /** Stages whose sources live here. */
  origins: number;
}

export interface NodeInfo {
  id: string;
  /** Where browsers and scripts reach this node's HTTP API and signaling. */
  url: string;
  /** Address of its media sockets (RTC and pipes between nodes). */
  announcedIp: string;
  startedAt: string;
  heartbeatAt: string;
  draining: boolean;
  load: NodeLoad;
}

/** The fields of its record a node reports; the registry adds its id and times. */
export type NodeRecordFields = Omit<NodeInfo, 'id' | 'startedAt' | 'heartbeatAt'>;

export interface NodeRegistryEvents {
  nodeup: [NodeInfo];
  /** A node left or stopped heartbeating (its record expired). */
  nodedown: [string];
  /** After every heartbeat, successful or not: periodic cluster work hangs off it. */
  tick: [];
}

export interface NodeRegistryOptions {
  heartbeatMs: number;
  /** A node whose last heartbeat is older than this is dropped. */
  ttlMs: number;
  prefix: string;
}

function parseNode(raw: string | null): NodeInfo | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      'id' in value &&
      typeof value.id === 'string' &&
      'url' in value &&
      typeof value.url === 'string'
    ) {
      return value as NodeInfo;
    }
  } catch {
    // An unreadable record counts as absent.
  }
  return null;
}

/**
 * The nodes of the cluster, as Redis knows them. Each node writes its record with a TTL on every
 * heartbeat; a record that was not refreshed in time expires and the node is dropped. Reads come from
 * the last successful refresh, so a Redis outage leaves the known cluster as it was instead of empty.
 */
export class NodeRegistry extends EventEmitter<NodeRegistryEvents> {
  #nodes = new Map<string, NodeInfo>();
  #timer: NodeJS.Timeout | null = null;
  readonly #logger: Logger;
  readonly #startedAt = new Date().toISOString();
  #beating: Promise<void> | null = null;
  /** What this node reports of itself; null until it registers with `start()` (it only reads until then). */
  #self: (() => NodeRecordFields) | null = null;

  constructor(
    private readonly redis: RedisConnection,
    readonly nodeId: string,
    private readonly options: NodeRegistryOptions,
    logger: Logger,
  ) {
    super();
    this.#logger = logger.child({ module: 'NodeRegistry' });
  }

  /** Registers this node: its record, as `self` reports it, is written now and on every heartbeat. */
  async start(self: () => NodeRecordFields): Promise<void> {
    this.#self = self;
    await this.heartbeat();
    this.#timer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.#timer.unref();
  }

  /** Live nodes (this one included), from the last successful refresh. */
  nodes(): NodeInfo[] {
    return [...this.#nodes.values()];
  }

  get(nodeId: string): NodeInfo | undefined {
    return this.#nodes.get(nodeId);
  }

  isAlive(nodeId: string): boolean {
    return this.#nodes.has(nodeId);
  }

  /** Writes this node's record (once registered), then reads everyone's. Concurrent callers share one round. */
  heartbeat(): Promise<void> {
    this.#beating ??= this.#beat().finally(() => {
      this.#beating = null;
      this.emit('tick');
    });
    return this.#beating;
  }

  /** Leaves the cluster at once (graceful shutdown) rather than by expiry. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beating;
    const id = this.nodeId;
    await Promise.all([this.redis.del(this.#key(id)), this.redis.sRem(this.#setKey, id)]).catch(() => undefined);
  }

  get #setKey(): string {
    return `${this.options.prefix}nodes`;
  }

  #key(nodeId: string): string {
    return `${this.options.prefix}node:${nodeId}`;
  }

  async #beat(): Promise<void> {
    const now = new Date().toISOString();
    const record: NodeInfo | null = this.#self && { ...this.#self(), id: this.nodeId, startedAt: this.#startedAt, heartbeatAt: now };
    try {
      if (record)
        await this.redis
          .multi()
          .set(this.#key(record.id), JSON.stringify(record), { expiration: { type: 'PX', value: this.options.ttlMs } })
          .sAdd(this.#setKey, record.id)
          .exec();
      await this.#refresh();
    } catch (error) {
      this.#logger.warn({ err: error }, 'heartbeat failed; keeping the last known cluster');
    }
  }

  async #refresh(): Promise<void> {
    const ids = await this.redis.sMembers(this.#setKey);
    const raws = ids.length > 0 ? await this.redis.mGet(ids.map((id) => this.#key(id))) : [];
    const next = new Map<string, NodeInfo>();
    const expired: string[] = [];
    ids.forEach((id, index) => {
      const node = parseNode(raws[index] ?? null);
      if (node && node.id === id) next.set(id, node);
      else expired.push(id);
    });
    if (expired.length > 0) await this.redis.sRem(this.#setKey, expired);
    const previous = this.#nodes;
    this.#nodes = next;
    for (const [id, node] of next) {
      if (!previous.has(id)) {
        this.#logger.info({ node: id, url: node.url }, 'node up');
        this.emit('nodeup', node);
      }
    }
    for (const id of previous.keys()) {
      if (!next.has(id)) {
        this.#logger.warn({ node: id }, 'node down');
        this.emit('nodedown', id);
      }
    }
  }
}
