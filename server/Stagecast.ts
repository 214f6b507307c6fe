import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HlsEgress } from '../media/egress/HlsEgress';
import type { HealthSample } from '../media/health/types';
import type { MediaNode } from '../media/MediaNode';
import type { WorkerPool } from '../media/WorkerPool';
import type { SignalingServer } from '../signaling/SignalingServer';
import { Admission } from './Admission';
import {
  authenticator,
  createApi,
  createConference,
  createHttpServer,
  createOps,
  createSignaling,
  listen,
  openCluster,
  openStore,
  tokenSigner,
} from './boot/steps';
import { openWebhooks } from './boot/webhooks';
import { followStageLanguages, type IngestGateways, openEgress, openIngestGateways, openMedia, openRecorder } from './boot/mediaSteps';
import { openWhep, whepRouter } from './boot/whep';
import type { WhepGateway } from '../media/whep/WhepGateway';
import type { Cluster } from './cluster/Cluster';
import type { NodeLoad } from './cluster/NodeRegistry';
import { SingleNode } from './cluster/SingleNode';
import { type Config, describeConfig } from './config';
import type { Conference } from './conference/Conference';
import type { Desk } from './desk/Desk';
import type { ApiRegistry } from './http/api';
import type { ReadinessReport } from './http/health';
import type { Logger } from './logger';
import type { SessionRecorder } from './recordings/SessionRecorder';
import type { NodeOps } from './ops/NodeOps';
import type { Store } from './store';
import type { Webhooks } from './webhooks/Webhooks';

const STORE_PING_TIMEOUT_MS = 1000;
/** What a drain keeps of its grace period for close() itself (peers, workers, store). */
const DRAIN_CLOSE_BUDGET_MS = 2000;
/** Reconnects after a drain notice are spread over this long, so the audience does not return at once. */
const RECONNECT_SPREAD_MS = 2000;

/** The parts of a running node, each built by one step of server/boot/steps.ts. */
export interface NodeParts {
  config: Config;
  store: Store;
  workers: WorkerPool;
  media: MediaNode;
  /** The HLS streams of the stages whose origin this node is. */
  hls: HlsEgress;
  /** Records the sessions of those stages (null with RECORD_SESSIONS=false). */
  recorder: SessionRecorder | null;
  conference: Conference;
  /** The tech-transfer desk: organisations, matchmaking, meetings, agreements. */
  desk: Desk;
  ops: NodeOps;
  httpServer: http.Server;
  signaling: SignalingServer;
  admission: Admission;
  /** Every REST route of the node (tests walk it). */
  api: ApiRegistry;
  /** Present with STORE=redis: this node is one of a cluster sharing that Redis. */
  cluster: Cluster | null;
  /** Where browsers reach this node. */
  url: string;
  /** WHIP, RTMP and SRT gateways for hall encoders with stream keys. */
  ingest: IngestGateways;
  /** WHEP players of the stages' programs. */
  whep: WhepGateway;
  /** Partner webhooks: endpoints, the outbox's publisher and dispatcher. */
  webhooks: Webhooks;
}

/**
 * The composition root's product: one running stagecast node. It owns the store, the worker pool,
 * the SFU, the HTTP server and the signaling, and closes them in reverse order of creation.
 */
export class Stagecast implements NodeParts {
  #closing: Promise<void> | null = null;
  readonly config: Config;
  readonly store: Store;
  readonly workers: WorkerPool;
  readonly media: MediaNode;
  readonly hls: HlsEgress;
  readonly recorder: SessionRecorder | null;
  readonly conference: Conference;
  readonly desk: Desk;
  readonly ops: NodeOps;
  readonly httpServer: http.Server;
  readonly signaling: SignalingServer;
  readonly admission: Admission;
  readonly api: ApiRegistry;
  readonly cluster: Cluster | null;
  readonly url: string;
  readonly ingest: IngestGateways;
  readonly whep: WhepGateway;
  readonly webhooks: Webhooks;
  readonly #logger: Logger;

  private constructor(parts: NodeParts, logger: Logger) {
    this.config = parts.config;
    this.store = parts.store;
    this.workers = parts.workers;
    this.media = parts.media;
    this.hls = parts.hls;
    this.recorder = parts.recorder;
    this.conference = parts.conference;
    this.desk = parts.desk;
    this.ops = parts.ops;
    this.httpServer = parts.httpServer;
    this.signaling = parts.signaling;
    this.admission = parts.admission;
    this.api = parts.api;
    this.cluster = parts.cluster;
    this.url = parts.url;
    this.ingest = parts.ingest;
    this.whep = parts.whep;
    this.webhooks = parts.webhooks;
    this.#logger = logger;
  }

  /**
   * Builds a node step by step (store, media, cluster, conference, ops, API, HTTP, signaling), then
   * listens and starts: ops sample, the node registers in its cluster. Whatever fails closes what
   * the earlier steps opened.
   */
  static async start(config: Config, rootLogger: Logger): Promise<Stagecast> {
    const logger = rootLogger.child({ module: 'Stagecast' });
    logger.info({ config: describeConfig(config) }, 'starting');
    if (!config.jwtSecret) logger.warn('JWT_SECRET is not set: using the development secret (never in production)');
    const opened: { close(): unknown }[] = [];
    try {
      const store = await openStore(config, rootLogger);
      opened.push(store);
      const { workers, media } = await openMedia(config, rootLogger);
      opened.push(workers);
      const cluster = await openCluster(config, media, rootLogger);
      if (cluster) opened.push(cluster);
      const hls = openEgress(config, media, cluster, store, rootLogger);
      opened.push(hls);
      const conference = createConference(config, store, media, cluster, rootLogger);
      opened.push(followStageLanguages(hls, conference.everywhere, rootLogger));
      opened.push(conference.desk);
      await conference.desk.start();
      const ingest = await openIngestGateways(config, media, conference.conference, rootLogger);
      opened.push(ingest);
      const whep = openWhep(config, media, conference.everywhere, rootLogger);
      opened.push(whep);
      const recorder = await openRecorder(config, { store, conference, hls, cluster }, rootLogger);
      if (recorder) opened.push(recorder);
      const ops = await createOps(config, { store, workers, media, hls, cluster, conference }, rootLogger);
      opened.push(ops);
      const webhooks = openWebhooks(config, { store, conference, ops, media, cluster }, rootLogger);
      opened.push(webhooks);
      const admission = new Admission();
      const signer = tokenSigner(config);
      const directory = cluster ?? new SingleNode(config.nodeId, () => media.stages.size);
      const api = createApi({
        config,
        signer,
        conference,
        media,
        hls,
        ops,
        store,
        admission,
        cluster,
        nodes: () => directory.nodes(),
        ingest,
        webhooks,
      });
      // Pages served by the other nodes of the cluster may call this one (and open their socket here).
      const peerOrigins = (): string[] => cluster?.knownUrls() ?? [];
      const readiness = (): Promise<ReadinessReport> => readinessOf(store, workers, admission);
      // The WHEP routes seat players by the signaling's rule; the signaling is built after the HTTP server it listens on.
      const late: { signaling?: SignalingServer } = {};
      const httpServer = createHttpServer(
        config,
        {
          api,
          ops,
          readiness,
          peerOrigins,
          hls,
          events: conference.conference.events,
          store,
          cluster,
          conference: conference.conference,
          ingest,
          whep: whepRouter({
            whep,
            conference: conference.conference,
            authenticate: authenticator(signer, conference.conference),
            admission,
            signaling: () => late.signaling,
          }),
        },
        rootLogger,
      );
      const signaling = createSignaling(
        config,
        { httpServer, signer, media, conference, ops, admission, cluster, peerOrigins },
        rootLogger,
      );
      opened.push(signaling);
      late.signaling = signaling;
      const url = await listen(config, httpServer, media.options.announcedIp);
      const node = new Stagecast(
        {
          config,
          store,
          workers,
          media,
          hls,
          recorder,
          conference: conference.conference,
          desk: conference.desk,
          ops,
          httpServer,
          signaling,
          admission,
          api,
          cluster,
          url,
          ingest,
          whep,
          webhooks,
        },
        logger,
      );
      await directory.join({ url, announcedIp: media.options.announcedIp, draining: () => admission.draining, load: () => node.load() });
      ops.start(
        () => signaling.connectedSockets,
        (stageKey) => signaling.hlsAudience.count(stageKey),
      );
      logger.info(
        {
          port: node.port,
          url,
          node: config.nodeId,
          workers: workers.workers.length,
          store: store.kind,
          announcedIp: media.options.announcedIp,
          rtmpPort: ingest.rtmp.port,
          srtPort: ingest.srt.port,
        },
        'listening',
      );
      return node;
    } catch (error) {
      // In reverse order of opening: signaling (and the HTTP server under it), ops, cluster, workers, store.
      for (const part of opened.reverse()) await part.close();
      throw error;
    }
  }

  /** What this node reports to the cluster's placement (and, alone, about itself). */
  load(): Omit<NodeLoad, 'origins'> {
    return {
      viewers: this.signaling.peers.size,
      sockets: this.signaling.connectedSockets,
      workerCpuPercent: meanWorkerCpu(this.ops.health.latest()),
      freeConsumers: Math.max(0, this.workers.workers.length * this.config.maxConsumersPerRouter - this.media.consumerCount),
    };
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
      this.#logger.info({ graceMs, connections: this.signaling.connectedSockets }, 'drain()');
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
   * Stops accepting work, drops connections and peers, then closes the SFU, workers and store.
   * Every caller gets the same promise: it resolves once everything is closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#logger.info('close()');
    // Sampling stops first: nothing polls workers that are about to close; no meeting reminder fires into a closed store.
    this.ops.close();
    this.desk.close();
    // Closing the signaling closes its peers, its sockets and the HTTP server under it.
    const signalingClosed = this.signaling.close();
    this.httpServer.closeAllConnections();
    await signalingClosed;
    // Attempts in flight end (each within WEBHOOK_TIMEOUT_MS) while the store can still record them.
    await this.webhooks.close();
    await this.cluster?.close();
    // Recordings are finalised (what is live becomes a partial file), then encoders end before the routers that feed them.
    await this.recorder?.close();
    await this.hls.close();
    // Encoders' ffmpeg listeners end before the routers their feeds sit on; players before the stages they play.
    await this.ingest.close();
    this.whep.close();
    this.media.close();
    await this.workers.close();
    await this.store.close();
  }
}

function meanWorkerCpu(sample: HealthSample | undefined): number {
  const cpus = (sample?.workers ?? []).map((worker) => worker.cpuPercent ?? 0);
  return cpus.length === 0 ? 0 : Math.round(cpus.reduce((sum, cpu) => sum + cpu, 0) / cpus.length);
}

async function readinessOf(store: Store, workers: WorkerPool, admission: Admission): Promise<ReadinessReport> {
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
