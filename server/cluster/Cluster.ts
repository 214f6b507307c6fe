import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import type { IngestOptions, IngestTarget } from '../../media/ingest';
import type { MediaNode } from '../../media/MediaNode';
import type { PipedProducerParameters, PipeEndpoint } from '../../media/nodePipes';
import type { SourceInfo } from '../../media/types';
import { ConferenceBus, type ConferenceEvents } from '../conference/ConferenceBus';
import { AppError } from '../errors';
import { ClusterMessenger } from './ClusterMessenger';
import { ClusterStages } from './ClusterStages';
import type { OriginClient } from './EdgeLink';
import { NodeRegistry, type NodeInfo, type NodeLoad } from './NodeRegistry';
import { OriginPipes, type EdgePipeView } from './OriginPipes';
import { parseIngestRequest, parsePipeEndpoint, parseSources, parseStageRequest } from './payloads';
import { choosePublisherNode, chooseViewerNode } from './placement';
import {
  adapterPublisher,
  adapterSubscriber,
  closeConnection,
  commandClient,
  type RedisConnection,
  subscriberClient,
  whenReady,
} from './redisClients';
import { StageOrigins } from './StageOrigins';

/** The conference events other nodes' server-side listeners need (live sessions, lowered hands). */
// agendachanged: a stage's languages set on one node reach the stage's origin (its HLS audio renditions) and every node's ops.
// eventdeleted: a deleted event's WHEP players end on every node.
const RELAYED_EVENTS = [
  'sessionchanged',
  'handchanged',
  'tokenrevoked',
  'agendachanged',
  'eventdeleted',
] as const satisfies readonly (keyof ConferenceEvents)[];
const CONFERENCE_CHANNEL = 'conference';
/** The typed emit cannot take an event name generic over the relayed ones; payloads come from our own nodes. */
type RelayBus = { emit(event: string, payload: unknown): boolean };

export interface ClusterOptions {
  nodeId: string;
  redisUrl: string;
  commandTimeoutMs: number;
  heartbeatMs: number;
  nodeTtlMs: number;
  requestTimeoutMs: number;
  /** Key prefix shared with the store, so several deployments can share one Redis. */
  prefix: string;
}

/** What this node reports about itself on every heartbeat, once it joins. */
export interface NodeSelf {
  url: string;
  announcedIp: string;
  draining(): boolean;
  load(): Omit<NodeLoad, 'origins'>;
}

/** Where a stage's media is, as ops see it from this node. */
export interface ClusterStageView {
  nodeId: string;
  role: 'origin' | 'edge';
  /** The node this edge pipes from (null on the origin, or while an edge waits for one). */
  originNodeId: string | null;
  /** On the origin: the edges it pipes to, and which producers each receives. */
  edges: EdgePipeView[];
}

/**
 * One node's membership of a stagecast cluster over a shared Redis: the node registry, node-to-node
 * requests, stage origins and the pipes between nodes, the Socket.IO adapter, and placement.
 */
export class Cluster {
  readonly #clients: RedisConnection[];
  readonly #adapterClients: { pub: RedisConnection; sub: RedisConnection };
  readonly #logger: Logger;
  readonly #registry: NodeRegistry;
  readonly stages: ClusterStages;
  readonly #pipes: OriginPipes;
  #droppedBroadcasts = 0;
  /** Every node address seen since this node started, the departed included (their pages may still move here). */
  readonly #seenUrls = new Set<string>();

  private constructor(
    readonly options: ClusterOptions,
    private readonly media: MediaNode,
    command: RedisConnection,
    private readonly messenger: ClusterMessenger,
    clients: RedisConnection[],
    adapterClients: { pub: RedisConnection; sub: RedisConnection },
    logger: Logger,
  ) {
    this.#clients = clients;
    this.#adapterClients = adapterClients;
    this.#logger = logger.child({ module: 'Cluster', node: options.nodeId });
    const prefix = `${options.prefix}cluster:`;
    this.#registry = new NodeRegistry(
      command,
      options.nodeId,
      { heartbeatMs: options.heartbeatMs, ttlMs: options.nodeTtlMs, prefix },
      this.#logger,
    );
    const origins = new StageOrigins(command, this.#registry, prefix, options.nodeTtlMs);
    this.stages = new ClusterStages(media, this.#registry, origins, messenger, this.#originClient(), this.#logger);
    this.#pipes = new OriginPipes(media, logger);
    this.#registry.on('nodedown', (nodeId) => this.#pipes.closeEdge(nodeId));
    this.#registry.on('nodeup', (node) => this.#seenUrls.add(node.url));
    this.#registerHandlers();
  }

  /** Connects to Redis and starts answering other nodes; the node joins the registry with `join()`. */
  static async create(options: ClusterOptions, media: MediaNode, logger: Logger): Promise<Cluster> {
    const redisOptions = { url: options.redisUrl, commandTimeoutMs: options.commandTimeoutMs };
    const command = commandClient(redisOptions, logger, `stagecast-${options.nodeId}`);
    const sub = subscriberClient(redisOptions, logger, `stagecast-${options.nodeId}-sub`);
    const adapterPub = commandClient(redisOptions, logger, `stagecast-${options.nodeId}-io-pub`);
    const adapterSub = subscriberClient(redisOptions, logger, `stagecast-${options.nodeId}-io-sub`);
    const clients = [command, sub, adapterPub, adapterSub];
    try {
      await Promise.all(clients.map((client) => whenReady(client, options.commandTimeoutMs)));
      const messenger = new ClusterMessenger(options.nodeId, command, sub, `${options.prefix}cluster:`, options.requestTimeoutMs, logger);
      await messenger.start();
      return new Cluster(options, media, command, messenger, clients, { pub: adapterPub, sub: adapterSub }, logger);
    } catch (error) {
      for (const client of clients) closeConnection(client);
      throw error;
    }
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Registers this node (first heartbeat done): from now on it takes viewers and serves its stages. */
  async join(self: NodeSelf): Promise<void> {
    await this.#registry.start(() => ({
      url: self.url,
      announcedIp: self.announcedIp,
      draining: self.draining(),
      load: { ...self.load(), origins: this.stages.originCount },
    }));
    this.#logger.info({ nodes: this.#registry.nodes().length }, 'joined the cluster');
  }

  /**
   * Conference events of every node, for listeners on the server that must hear of them wherever
   * they happened (a hand lowered through another node's API, a session started there). Room
   * broadcasts to clients do not need this: the Socket.IO adapter already carries them.
   */
  relayConference(local: ConferenceBus): ConferenceBus {
    const everywhere = new ConferenceBus();
    for (const event of RELAYED_EVENTS) {
      local.on(event, (payload: ConferenceEvents[typeof event][0]) => {
        (everywhere as RelayBus).emit(event, payload);
        void this.messenger.publish(CONFERENCE_CHANNEL, { nodeId: this.nodeId, event, payload });
      });
    }
    this.messenger.subscribe(CONFERENCE_CHANNEL, (message) => {
      if (typeof message !== 'object' || message === null || !('nodeId' in message) || message.nodeId === this.nodeId) return;
      if (!('event' in message) || !('payload' in message) || typeof message.payload !== 'object' || message.payload === null) return;
      const event = RELAYED_EVENTS.find((name) => name === message.event);
      if (event) (everywhere as RelayBus).emit(event, message.payload);
    });
    return everywhere;
  }

  /**
   * The Socket.IO adapter that carries room broadcasts to the sockets of every node.
   * The classic adapter, not `createShardedAdapter`: sharded pub/sub (SPUBLISH, Redis 7) spreads channels
   * over the shards of a Redis Cluster, and stagecast runs one Redis instance, where it delivers the same
   * way; its default dynamic mode would also SSUBSCRIBE and SUNSUBSCRIBE a channel per room as rooms come
   * and go (a room per participant here), turning viewer churn into subscription traffic.
   */
  socketAdapter(): ReturnType<typeof createAdapter> {
    const pub = adapterPublisher(this.#adapterClients.pub, (error) => {
      this.#droppedBroadcasts += 1;
      this.#logger.warn({ err: error, dropped: this.#droppedBroadcasts }, 'a broadcast to other nodes was lost (Redis unavailable)');
    });
    const sub = adapterSubscriber(this.#adapterClients.sub, (error, method) =>
      this.#logger.warn({ err: error, method }, 'a Socket.IO adapter subscription failed'),
    );
    return createAdapter(pub, sub, { key: `${this.options.prefix}socket.io` });
  }

  /** Addresses of every node this one has seen, itself included. */
  knownUrls(): string[] {
    return [...this.#seenUrls];
  }

  nodes(): NodeInfo[] {
    return this.#registry.nodes();
  }

  /** Reads the live nodes now (before this node joins, `nodes()` is empty until it does). */
  refreshNodes(): Promise<void> {
    return this.#registry.heartbeat();
  }

  /** Where browsers reach the origin of a stage, when it is another live node; null otherwise. */
  async originUrl(stageKey: string): Promise<string | null> {
    const origin = await this.#originOf(stageKey);
    return origin ? this.urlOf(origin) : null;
  }

  /**
   * Where browsers reach another live node; null for this node, one that is not running, or one behind
   * this node's own address (nodes sharing one balancer address cannot be told apart by URL).
   */
  urlOf(nodeId: string): string | null {
    const url = nodeId === this.nodeId ? undefined : this.#registry.get(nodeId)?.url;
    return url && url !== this.#registry.get(this.nodeId)?.url ? url : null;
  }

  /** The node a new viewer should use: the least loaded with room. */
  placeViewer(): NodeInfo | null {
    return chooseViewerNode(this.nodes());
  }

  /** The node a speaker of the stage should use: its origin, or the least loaded node when it has none. */
  async placePublisher(stageKey: string): Promise<NodeInfo | null> {
    return choosePublisherNode(this.nodes(), await this.#originOf(stageKey));
  }

  /** Another node viewers of this one can move to (a drain), or null when there is none. */
  alternate(): NodeInfo | null {
    return chooseViewerNode(this.nodes().filter((node) => node.id !== this.nodeId));
  }

  /**
   * Before a participant publishes here: a stage without a live origin gets this node as its origin;
   * on an edge, what is published here is piped to the origin (see ClusterStages).
   */
  async preparePublish(stageKey: string): Promise<void> {
    await this.stages.claim(stageKey);
  }

  /** Opens an on-site feed on the stage's origin (this node if it has none), wherever the request arrived. */
  async openIngest(stageKey: string, options: IngestOptions): Promise<IngestTarget & { originNodeId: string }> {
    const origin = await this.stages.claim(stageKey);
    if (origin !== this.nodeId)
      return (await this.messenger.request(origin, 'ingest.open', { stageKey, options })) as IngestTarget & { originNodeId: string };
    const target = await (await this.media.stage(stageKey)).openIngest(options);
    return { ...target, originNodeId: this.nodeId };
  }

  /** Where an open on-site feed expects its RTP now; not_found when it is not open (anymore). */
  async ingestTarget(stageKey: string, sourceId: string): Promise<IngestTarget & { originNodeId: string }> {
    const origin = await this.#originOf(stageKey);
    if (!origin) throw new AppError('not_found', `stage ${stageKey} has no origin node: open the feed again`);
    if (origin !== this.nodeId)
      return (await this.messenger.request(origin, 'ingest.get', { stageKey, sourceId })) as IngestTarget & { originNodeId: string };
    const target = this.media.existingStage(stageKey)?.ingestTarget(sourceId);
    if (!target) throw new AppError('not_found', `feed ${sourceId} of stage ${stageKey} is not open`);
    return { ...target, originNodeId: this.nodeId };
  }

  describeStage(stageKey: string): ClusterStageView {
    const origin = this.stages.isOrigin(stageKey);
    return {
      nodeId: this.nodeId,
      role: origin ? 'origin' : 'edge',
      originNodeId: origin ? null : this.stages.linkOf(stageKey),
      edges: this.#pipes.describe(stageKey),
    };
  }

  get droppedBroadcasts(): number {
    return this.#droppedBroadcasts;
  }

  /** Releases its stages, leaves the registry at once (not by expiry), then closes the connections. */
  async close(): Promise<void> {
    await this.stages.close();
    await this.#registry.close();
    this.messenger.close();
    // Its own commands are done by now; what else is in flight (a broadcast) fails rather than waiting on Redis.
    for (const client of this.#clients) closeConnection(client);
  }

  async #originOf(stageKey: string): Promise<string | null> {
    if (this.stages.isOrigin(stageKey)) return this.nodeId;
    return this.stages.originOf(stageKey).catch(() => null);
  }

  #originClient(): OriginClient {
    return {
      openPipe: async (originNodeId, stageKey, edge) =>
        (await this.messenger.request(originNodeId, 'pipe.open', { stageKey, endpoint: edge })) as {
          endpoint: PipeEndpoint;
          sources: SourceInfo[];
        },
      send: async (originNodeId, stageKey, producerId) =>
        (await this.messenger.request(originNodeId, 'pipe.send', { stageKey, producerId })) as PipedProducerParameters,
      closePipe: async (originNodeId, stageKey) => {
        await this.messenger.request(originNodeId, 'pipe.close', { stageKey });
      },
      publish: async (originNodeId, stageKey, sources) => {
        await this.messenger.request(originNodeId, 'publish.sync', { stageKey, sources });
      },
    };
  }

  /** What other nodes may ask of this one. Payloads come from our own nodes, and are still checked. */
  #registerHandlers(): void {
    this.messenger.onRequest('pipe.open', async (payload, from) => {
      const { stageKey } = parseStageRequest(payload);
      const endpoint = parsePipeEndpoint((payload as { endpoint?: unknown }).endpoint);
      return this.#pipes.open(stageKey, from, endpoint);
    });
    this.messenger.onRequest('pipe.send', async (payload, from) => {
      const { stageKey, producerId } = parseStageRequest(payload);
      if (!producerId) throw new AppError('bad_request', 'pipe.send needs a producerId');
      return this.#pipes.send(stageKey, from, producerId);
    });
    this.messenger.onRequest('pipe.close', async (payload, from) => {
      this.#pipes.close(parseStageRequest(payload).stageKey, from);
      return {};
    });
    this.messenger.onRequest('publish.sync', async (payload, from) => {
      const { stageKey } = parseStageRequest(payload);
      await this.stages.pullPublished(stageKey, from, parseSources((payload as { sources?: unknown }).sources));
      return {};
    });
    this.messenger.onRequest('ingest.open', async (payload) => {
      const { stageKey, options } = parseIngestRequest(payload);
      if (!this.stages.isOrigin(stageKey))
        throw new AppError('conflict', `node ${this.nodeId} is not the origin of stage ${stageKey}; retry`);
      return this.openIngest(stageKey, options);
    });
    this.messenger.onRequest('ingest.get', async (payload) => {
      const { stageKey, sourceId } = parseStageRequest(payload);
      if (!this.stages.isOrigin(stageKey)) throw new AppError('not_found', `node ${this.nodeId} is not the origin of stage ${stageKey}`);
      return this.ingestTarget(stageKey, sourceId ?? 'onsite');
    });
  }
}
