import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaNode } from '../media/MediaNode';
import type { HealthSample } from '../media/health/types';
import type { MediaOptions } from '../media/types';
import { WorkerPool } from '../media/WorkerPool';
import { SignalingServer } from '../signaling/SignalingServer';
import { Admission } from './Admission';
import { createTokenSigner } from './auth/tokens';
import { Cluster } from './cluster/Cluster';
import type { NodeInfo, NodeLoad } from './cluster/NodeRegistry';
import { type Config, describeConfig, jwtSecretOf } from './config';
import { Conference } from './conference/Conference';
import { seedDemoIfEmpty } from './conference/demoSeed';
import { AppError } from './errors';
import type { ProgramMedia } from './conference/ProgramService';
import { ApiRegistry } from './http/api';
import { answerClientErrors, createHttpApp } from './http/app';
import type { ReadinessReport } from './http/health';
import { metricsRoutes } from './http/metrics';
import { buildOpenApi } from './http/openapi';
import { registerAgendaRoutes } from './http/routes/agenda';
import { registerLiveRoutes } from './http/routes/live';
import { type MediaRoutesPort, type Placement, type PlacementPort, registerMediaRoutes, type StageMediaView } from './http/routes/media';
import { registerNodeRoutes } from './http/routes/nodes';
import { registerOpsRoutes } from './http/routes/ops';
import { registerPublicEventRoutes } from './http/routes/publicEvents';
import { uiRoutes } from './http/ui';
import type { Logger } from './logger';
import { resolveAnnouncedIp } from './network';
import { NodeOps } from './ops/NodeOps';
import { createStore, type Store } from './store';

const STORE_PING_TIMEOUT_MS = 1000;
/** What a drain keeps of its grace period for close() itself (sessions, workers, store). */
const DRAIN_CLOSE_BUDGET_MS = 2000;
/** Reconnects after a drain notice are spread over this long, so the audience does not return at once. */
const RECONNECT_SPREAD_MS = 2000;

function mediaOptions(config: Config): MediaOptions {
  return {
    listenIp: config.rtcListenIp,
    announcedIp: resolveAnnouncedIp(config.rtcListenIp, config.announcedIp),
    maxConsumersPerRouter: config.maxConsumersPerRouter,
    initialAvailableOutgoingBitrate: 1_500_000,
    maxIncomingBitrate: 4_000_000,
    maxProducersPerPeer: config.maxProducersPerPeer,
    maxConsumersPerPeer: config.maxConsumersPerPeer,
  };
}

/**
 * The conference domain reaches the SFU only through these narrow ports. In a cluster they go through
 * the stage's origin node wherever the request arrived; on a single node, straight to the local SFU.
 */
function mediaPorts(media: MediaNode, cluster: Cluster | null): { program: ProgramMedia; routes: MediaRoutesPort } {
  const localIngestTarget = async (stageKey: string, sourceId: string): Promise<unknown> => {
    const target = media.existingStage(stageKey)?.ingestTarget(sourceId);
    if (!target) throw new AppError('not_found', `feed ${sourceId} of stage ${stageKey} is not open`);
    return target;
  };
  const describe = (stageKey: string): StageMediaView | undefined => {
    const view = media.existingStage(stageKey)?.describe();
    return view && cluster ? { ...view, cluster: cluster.describeStage(stageKey) } : view;
  };
  if (!cluster) {
    return {
      program: {
        sourceIds: async (stageKey) => media.existingStage(stageKey)?.sources.map((s) => s.id) ?? [],
        setProgram: async (stageKey, sourceId) => (await media.stage(stageKey)).setProgram(sourceId),
      },
      routes: { openIngest: async (stageKey, options) => (await media.stage(stageKey)).openIngest(options), ingestTarget: localIngestTarget, describe },
    };
  }
  return {
    program: { sourceIds: (stageKey) => cluster.stages.sourceIds(stageKey), setProgram: (stageKey, sourceId) => cluster.stages.setProgram(stageKey, sourceId) },
    routes: { openIngest: (stageKey, options) => cluster.openIngest(stageKey, options), ingestTarget: (stageKey, sourceId) => cluster.ingestTarget(stageKey, sourceId), describe },
  };
}

function placementPort(cluster: Cluster): PlacementPort {
  const placed = (node: NodeInfo | null): Placement | null =>
    node && {
      nodeId: node.id,
      nodeUrl: node.url,
      fallbackUrls: cluster.nodes().filter((other) => other.id !== node.id && !other.draining).map((other) => other.url),
    };
  return { viewer: () => placed(cluster.placeViewer()), publisher: async (stageKey) => placed(await cluster.placePublisher(stageKey)) };
}

/** The address browsers use for this node: PUBLIC_URL, else its announced IP and HTTP port. */
function publicUrlOf(config: Config, announcedIp: string, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  return `http://${announcedIp.includes(':') ? `[${announcedIp}]` : announcedIp}:${port}`;
}

/**
 * The composition root's product: one running stagecast node. It owns the store, the worker pool,
 * the SFU, the HTTP server and the signaling, and closes them in reverse order of creation.
 */
export class Stagecast {
  #closing: Promise<void> | null = null;

  private constructor(
    readonly config: Config,
    readonly store: Store,
    readonly workers: WorkerPool,
    readonly media: MediaNode,
    readonly conference: Conference,
    readonly ops: NodeOps,
    readonly httpServer: http.Server,
    readonly signaling: SignalingServer,
    readonly admission: Admission,
    /** Every REST route of the node (tests walk it). */
    readonly api: ApiRegistry,
    /** Present with STORE=redis: this node is one of a cluster sharing that Redis. */
    readonly cluster: Cluster | null,
    readonly url: string,
    private readonly logger: Logger,
  ) {}

  static async start(config: Config, rootLogger: Logger): Promise<Stagecast> {
    const logger = rootLogger.child({ module: 'Stagecast' });
    logger.info({ config: describeConfig(config) }, 'starting');
    if (!config.jwtSecret) logger.warn('JWT_SECRET is not set: using the development secret (never in production)');

    const store = createStore(config);
    let workers: WorkerPool | undefined;
    let ops: NodeOps | undefined;
    let cluster: Cluster | null = null;
    try {
      await store.ping();
      if (config.seedDemo && (await seedDemoIfEmpty(store))) logger.info('seeded the demo event (id "demo")');
      workers = await WorkerPool.create({
        numWorkers: config.mediasoupNumWorkers,
        rtcMinPort: config.rtcMinPort,
        rtcMaxPort: config.rtcMaxPort,
        logLevel: config.mediasoupLogLevel,
        logger: rootLogger,
      });
      const pool = workers;
      const media = new MediaNode(pool, mediaOptions(config), rootLogger);
      const admission = new Admission();
      // Filled in below, once the parts it reads exist and the HTTP server listens.
      let url = '';
      let load = (): Omit<NodeLoad, 'origins'> => ({ viewers: 0, sockets: 0, workerCpuPercent: 0, freeConsumers: 0 });
      if (config.store === 'redis') {
        cluster = await Cluster.create(
          {
            nodeId: config.nodeId,
            redisUrl: config.redisUrl,
            commandTimeoutMs: config.redisCommandTimeoutMs,
            heartbeatMs: config.clusterHeartbeatMs,
            nodeTtlMs: config.clusterNodeTtlMs,
            requestTimeoutMs: config.clusterRequestTimeoutMs,
            prefix: 'stagecast:',
          },
          media,
          { url: () => url, announcedIp: media.options.announcedIp, draining: () => admission.draining, load: () => load() },
          rootLogger,
        );
      }
      const joined = cluster;
      const ports = mediaPorts(media, joined);
      const conference = new Conference(store, ports.program, {
        questionsPerMinute: config.questionRateLimitPerMinute,
        votesPerMinute: config.voteRateLimitPerMinute,
        raisesPerMinute: config.handRateLimitPerMinute,
        stagesPerEvent: config.maxStagesPerEvent,
      });
      media.on('stageopened', (stage) => {
        const [eventId = '', stageId = ''] = stage.key.split('/');
        conference.program.restore(eventId, stageId).catch((error: unknown) => logger.error({ err: error, stage: stage.key }, 'program restore failed'));
      });
      const signer = createTokenSigner(jwtSecretOf(config), config.tokenTtlSeconds);
      // Health sampling, alerts and metrics; signaling, created below, tells it its connection count.
      let connectedSockets = (): number => 0;
      // Server-side listeners of the conference hear every node's events; clients hear them through the adapter.
      const everywhere = joined ? joined.relayConference(conference.bus) : conference.bus;
      const nodeOps = await NodeOps.create({
        config, media, pool, conference, store, logger: rootLogger, connectedSockets: () => connectedSockets(),
        clusterEvents: everywhere,
        ...(joined ? { watchedElsewhere: (stageKey: string) => joined.describeStage(stageKey).edges.length > 0 } : {}),
      });
      ops = nodeOps;

      const api = new ApiRegistry({ signer, events: conference.events });
      registerAgendaRoutes(api, conference);
      registerLiveRoutes(api, conference);
      registerMediaRoutes(api, {
        conference,
        signer,
        media: ports.routes,
        joinsPerMinute: config.joinRateLimitPerMinute,
        admission,
        ...(joined ? { placement: placementPort(joined) } : {}),
      });
      registerOpsRoutes(api, { conference, health: nodeOps.health, alerts: nodeOps.alerts, store });
      // The front page's viewer counts: viewers joined to each stage on this node.
      registerPublicEventRoutes(api, { agenda: conference.agenda, viewersOf: (stageKey) => media.existingStage(stageKey)?.viewerCount ?? 0 });
      // A single node lists itself, as a cluster's registry would.
      const startedAt = new Date().toISOString();
      const selfInfo = (): NodeInfo => ({
        id: config.nodeId, url, announcedIp: media.options.announcedIp, startedAt, heartbeatAt: new Date().toISOString(), draining: admission.draining, load: { ...load(), origins: media.stages.size },
      });
      registerNodeRoutes(api, () => (joined ? joined.nodes() : [selfInfo()]));
      const peerOrigins = (): string[] => (joined ? joined.knownUrls().filter((nodeUrl) => nodeUrl !== url) : []);
      let openApi: object | undefined;
      api.add({
        method: 'get', path: '/api/openapi.json', operationId: 'getOpenApi', summary: 'The OpenAPI 3 document of this API', tag: 'meta', access: 'anyone',
        handler: async () => (openApi ??= buildOpenApi(api, { title: 'stagecast', version: '0.1.0' })),
      });

      const app = createHttpApp({
        logger: rootLogger,
        bodyLimit: config.httpBodyLimit,
        readiness: () => readiness(store, pool, admission),
        routers: [metricsRoutes(nodeOps.metrics, config.metricsToken), api.router(), uiRoutes()],
        peerOrigins,
        // HSTS and upgrade-insecure-requests only where browsers reach the node over https (see publicUrlOf).
        https: config.publicUrl?.startsWith('https://') ?? false,
      });
      const httpServer = http.createServer(app);
      answerClientErrors(httpServer);
      const signaling = new SignalingServer(
        httpServer,
        { signer, media, conference, ops: { health: nodeOps.health, alerts: nodeOps.alerts }, admission, logger: rootLogger, ...(joined ? { publishing: joined } : {}) },
        {
          reconnectGraceMs: config.reconnectGraceMs,
          maxPayloadBytes: config.socketMaxPayloadBytes,
          allowedOrigins: config.allowedOrigins ? config.allowedOrigins.split(',') : [],
          refusalLimit: config.socketRefusalLimit,
          refusalWindowMs: config.socketRefusalWindowMs,
          peerOrigins,
          ...(joined ? { adapter: joined.socketAdapter() } : {}),
        },
      );
      connectedSockets = () => signaling.connectedSockets;
      load = () => ({
        viewers: signaling.sessions.size,
        sockets: signaling.connectedSockets,
        workerCpuPercent: meanWorkerCpu(nodeOps.health.latest()),
        freeConsumers: Math.max(0, pool.workers.length * config.maxConsumersPerRouter - media.consumerCount),
      });
      // A hand lowered or revoked takes the right to speak with it: close what that participant publishes,
      // whichever node the moderator acted through.
      everywhere.on('handchanged', (hand) => {
        if (hand.status !== 'lowered') return;
        for (const session of signaling.sessions.ofParticipant(hand.participantId)) session.media.closeAllProducers();
      });

      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      url = publicUrlOf(config, media.options.announcedIp, (httpServer.address() as AddressInfo).port);
      await joined?.join();
      const node = new Stagecast(config, store, pool, media, conference, nodeOps, httpServer, signaling, admission, api, joined, url, logger);
      nodeOps.start();
      logger.info({ port: node.port, url, node: config.nodeId, workers: pool.workers.length, store: store.kind, announcedIp: media.options.announcedIp }, 'listening');
      return node;
    } catch (error) {
      ops?.close();
      await cluster?.close();
      await workers?.close();
      await store.close();
      throw error;
    }
  }

  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  /**
   * Leaves gracefully within `graceMs`: refuses new joins (REST and socket) and reports not ready,
   * tells every connection to reconnect, lets those who stay keep watching while they go, then closes
   * once they are gone or the grace period (less what closing takes) has passed.
   */
  async drain(graceMs: number): Promise<void> {
    if (!this.admission.draining && !this.closed) {
      this.admission.drain();
      const waitMs = Math.max(0, graceMs - DRAIN_CLOSE_BUDGET_MS);
      this.logger.info({ graceMs, connections: this.signaling.connectedSockets }, 'drain()');
      // Viewers move to another node of the cluster; a single node has none: they come back here once restarted.
      this.signaling.announceDrain({ reconnectInMs: graceMs, alternateUrl: this.cluster?.alternate()?.url ?? null }, RECONNECT_SPREAD_MS);
      const deadline = Date.now() + waitMs;
      while (this.signaling.connectedSockets > 0 && Date.now() < deadline && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await this.close();
  }

  /**
   * Stops accepting work, drops connections and sessions, then closes the SFU, workers and store.
   * Every caller gets the same promise: it resolves once everything is closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.logger.info('close()');
    // Sampling stops first: nothing polls workers that are about to close.
    this.ops.close();
    // Closing the signaling closes its sessions, its sockets and the HTTP server under it.
    const signalingClosed = this.signaling.close();
    this.httpServer.closeAllConnections();
    await signalingClosed;
    await this.cluster?.close();
    this.media.close();
    await this.workers.close();
    await this.store.close();
  }
}

function meanWorkerCpu(sample: HealthSample | undefined): number {
  const cpus = (sample?.workers ?? []).map((worker) => worker.cpuPercent ?? 0);
  return cpus.length === 0 ? 0 : Math.round(cpus.reduce((sum, cpu) => sum + cpu, 0) / cpus.length);
}

async function readiness(store: Store, workers: WorkerPool, admission: Admission): Promise<ReadinessReport> {
  const alive = workers.workers.length;
  const total = workers.status().length;
  const checks: Record<string, string> = {
    workers: workers.isReady() ? 'ok' : `${alive}/${total} mediasoup workers alive`,
    store: await pingWithin(store, STORE_PING_TIMEOUT_MS),
  };
  // A draining node takes no new joins: load balancers should stop sending it any.
  if (admission.draining) checks.admission = 'draining: shutting down, no new joins';
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

async function pingWithin(store: Store, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${store.kind} store did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  const ping = store.ping().then(
    () => 'ok',
    (error: unknown) => `${store.kind} store unreachable: ${error instanceof Error ? error.message : String(error)}`,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
