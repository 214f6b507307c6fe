import { HealthSampler } from '../../media/health/HealthSampler';
import type { HlsHealth, NodeHealth } from '../../media/health/types';
import type { MediaNode } from '../../media/MediaNode';
import type { WorkerPool } from '../../media/WorkerPool';
import type { Config } from '../config';
import type { Conference } from '../conference/Conference';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { AlertEngine } from './AlertEngine';
import type { AlertThresholds } from './alertRules';
import { LiveStages } from './LiveStages';
import { OpsMetrics } from './OpsMetrics';
import { PublicEventLabels } from './PublicEventLabels';

export function alertThresholds(config: Config): AlertThresholds {
  return {
    sourceSilentMs: config.alertSourceSilentMs,
    lossPercent: config.alertLossPercent,
    lossForMs: config.alertLossForMs,
    scoreBelow: config.alertScoreBelow,
    scoreForMs: config.alertScoreForMs,
    workerCpuPercent: config.alertWorkerCpuPercent,
    workerCpuForMs: config.alertWorkerCpuForMs,
    noViewersForMs: config.alertNoViewersForMs,
    interpreterMissingForMs: config.alertInterpreterMissingForMs,
    clearAfterMs: config.alertClearAfterMs,
  };
}

export interface NodeOpsDeps {
  config: Config;
  media: MediaNode;
  pool: WorkerPool;
  conference: Conference;
  store: Store;
  logger: Logger;
  /** Conference events of every node of a cluster (sessions started through another node); this node's alone otherwise. */
  clusterEvents?: ConferenceBus;
  /** The stage's audience watches on other nodes (an origin feeding edges): no viewer here is no incident. */
  watchedElsewhere?: (stageKey: string) => boolean;
  /** A stage's HLS stream, where this node runs one. */
  hls?: (stageKey: string, nowMs: number) => HlsHealth | null;
  /** Free space where recordings go, where this node records. */
  recordingsDisk?: () => NodeHealth['recordingsDisk'];
}

/**
 * Ops of one node: the health sampler (media/), the alert engine over its samples and the pool's
 * worker events, the live-session tracker the engine needs, and the Prometheus metrics fed by all of
 * them. Owned by the composition root; `start()` begins sampling, `close()` stops every timer and
 * listener.
 */
export class NodeOps {
  #closed = false;

  private constructor(
    readonly health: HealthSampler,
    readonly alerts: AlertEngine,
    readonly metrics: OpsMetrics,
    private readonly liveStages: LiveStages,
  ) {}

  static async create({
    config,
    media,
    pool,
    conference,
    store,
    logger,
    clusterEvents,
    watchedElsewhere,
    hls,
    recordingsDisk,
  }: NodeOpsDeps): Promise<NodeOps> {
    // Unique per process and per node in it (tests run several nodes in one process).
    const nodeId = config.nodeId;
    const health = new HealthSampler(
      media,
      pool,
      {
        nodeId,
        intervalMs: config.healthSampleIntervalMs,
        historyMs: config.healthHistoryMs,
        ...(hls ? { hls } : {}),
        ...(recordingsDisk ? { recordingsDisk } : {}),
      },
      logger,
    );
    const liveStages = new LiveStages(clusterEvents ?? conference.bus, logger.child({ module: 'LiveStages' }));
    await liveStages.load(store);
    const alerts = new AlertEngine({
      store,
      thresholds: alertThresholds(config),
      isLive: (stageKey) => liveStages.isLive(stageKey) && !watchedElsewhere?.(stageKey),
      languagesOf: (stageKey) => liveStages.languagesOf(stageKey),
      nodeId,
      logger,
    });
    alerts.attach(health, pool);
    // Without METRICS_TOKEN anyone may scrape: the labels then name no private event.
    const labels = config.metricsToken === undefined ? new PublicEventLabels(store, logger.child({ module: 'metrics' })) : undefined;
    await labels?.refresh();
    const metrics = new OpsMetrics(conference.bus, labels);
    health.on('sample', (sample) => {
      metrics.observeSample(sample);
      void labels?.refresh();
    });
    alerts.on('raised', (alert) => metrics.alertRaised(alert));
    alerts.on('cleared', (alert) => metrics.alertCleared(alert));
    return new NodeOps(health, alerts, metrics, liveStages);
  }

  /** Begins sampling; `connectedSockets` reads the signaling connections, which start after ops. */
  start(connectedSockets: () => number, hlsViewers?: (stageKey: string) => number): void {
    this.health.start(connectedSockets, hlsViewers);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.health.close();
    this.alerts.close();
    this.liveStages.close();
    this.metrics.close();
  }
}
