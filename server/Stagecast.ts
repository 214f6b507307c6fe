import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaNode } from '../media/MediaNode';
import { WorkerPool } from '../media/WorkerPool';
import { SignalingServer } from '../signaling/SignalingServer';
import { createTokenSigner } from './auth/tokens';
import { type Config, describeConfig, jwtSecretOf } from './config';
import { seedDemoIfEmpty } from './conference/demoSeed';
import { EventDirectory } from './conference/EventDirectory';
import { createHttpApp } from './http/app';
import type { ReadinessReport } from './http/health';
import { ingestRoutes } from './http/ingest';
import { joinRoutes } from './http/join';
import { stageMediaRoutes } from './http/stageMedia';
import { uiRoutes } from './http/ui';
import type { Logger } from './logger';
import { resolveAnnouncedIp } from './network';
import { createStore, type Store } from './store';

const STORE_PING_TIMEOUT_MS = 1000;

/**
 * The composition root's product: one running stagecast node. It owns the store, the worker pool,
 * the SFU, the HTTP server and the signaling, and closes them in reverse order of creation.
 */
export class Stagecast {
  #closed = false;

  private constructor(
    readonly config: Config,
    readonly store: Store,
    readonly workers: WorkerPool,
    readonly media: MediaNode,
    readonly httpServer: http.Server,
    readonly signaling: SignalingServer,
    private readonly logger: Logger,
  ) {}

  static async start(config: Config, rootLogger: Logger): Promise<Stagecast> {
    const logger = rootLogger.child({ module: 'Stagecast' });
    logger.info({ config: describeConfig(config) }, 'starting');
    if (!config.jwtSecret) logger.warn('JWT_SECRET is not set: using the development secret (never in production)');

    const store = createStore(config);
    let workers: WorkerPool | undefined;
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
      const media = new MediaNode(
        pool,
        {
          listenIp: config.rtcListenIp,
          announcedIp: resolveAnnouncedIp(config.rtcListenIp, config.announcedIp),
          maxConsumersPerRouter: config.maxConsumersPerRouter,
          initialAvailableOutgoingBitrate: 1_500_000,
          maxIncomingBitrate: 4_000_000,
        },
        rootLogger,
      );
      const signer = createTokenSigner(jwtSecretOf(config), config.tokenTtlSeconds);
      const events = new EventDirectory(store);
      const app = createHttpApp({
        logger: rootLogger,
        bodyLimit: config.httpBodyLimit,
        readiness: () => readiness(store, pool),
        routers: [
          joinRoutes({ signer, events, perMinute: config.joinRateLimitPerMinute }),
          ingestRoutes({
            signer,
            events,
            ingest: { openIngest: async (stageKey, videoCodec) => (await media.stage(stageKey)).openIngest({ videoCodec }) },
          }),
          stageMediaRoutes({ signer, describe: (stageKey) => media.existingStage(stageKey)?.describe() }),
          uiRoutes(),
        ],
      });
      const httpServer = http.createServer(app);
      const signaling = new SignalingServer(
        httpServer,
        { signer, media, stages: events, logger: rootLogger },
        {
          reconnectGraceMs: config.reconnectGraceMs,
          maxPayloadBytes: config.socketMaxPayloadBytes,
          allowedOrigins: config.allowedOrigins ? config.allowedOrigins.split(',') : [],
        },
      );
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const node = new Stagecast(config, store, pool, media, httpServer, signaling, logger);
      logger.info({ port: node.port, workers: pool.workers.length, store: store.kind, announcedIp: media.options.announcedIp }, 'listening');
      return node;
    } catch (error) {
      await workers?.close();
      await store.close();
      throw error;
    }
  }

  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops accepting work, drops connections and sessions, then closes the SFU, workers and store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.logger.info('close()');
    // Closing the signaling closes its sessions, its sockets and the HTTP server under it.
    const signalingClosed = this.signaling.close();
    this.httpServer.closeAllConnections();
    await signalingClosed;
    this.media.close();
    await this.workers.close();
    await this.store.close();
  }
}

async function readiness(store: Store, workers: WorkerPool): Promise<ReadinessReport> {
  const alive = workers.workers.length;
  const total = workers.status().length;
  const checks: Record<string, string> = {
    workers: workers.isReady() ? 'ok' : `${alive}/${total} mediasoup workers alive`,
    store: await pingWithin(store, STORE_PING_TIMEOUT_MS),
  };
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
