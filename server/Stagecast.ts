import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkerPool } from '../media/WorkerPool';
import { type Config, describeConfig } from './config';
import { seedDemoIfEmpty } from './conference/demoSeed';
import { createHttpApp } from './http/app';
import type { ReadinessReport } from './http/health';
import type { Logger } from './logger';
import { createStore, type Store } from './store';

const STORE_PING_TIMEOUT_MS = 1000;

/**
 * The composition root's product: one running stagecast node. It owns the store, the worker pool and
 * the HTTP server, and closes them in reverse order of creation.
 */
export class Stagecast {
  #closed = false;

  private constructor(
    readonly config: Config,
    readonly store: Store,
    readonly workers: WorkerPool,
    readonly httpServer: http.Server,
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
      const app = createHttpApp({
        logger: rootLogger,
        bodyLimit: config.httpBodyLimit,
        readiness: () => readiness(store, pool),
      });
      const httpServer = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const node = new Stagecast(config, store, pool, httpServer, logger);
      logger.info({ port: node.port, workers: pool.workers.length, store: store.kind }, 'listening');
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

  /** Stops accepting work, drops open connections, then closes workers and the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.logger.info('close()');
    const stopped = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    this.httpServer.closeAllConnections();
    await stopped;
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
