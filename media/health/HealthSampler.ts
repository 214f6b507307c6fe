import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { MediaNode } from '../MediaNode';
import type { StageMedia } from '../StageMedia';
import type { SourceMedia } from '../stageMediaTypes';
import type { WorkerPool } from '../WorkerPool';
import { LoopLag, ProcessCpu, residentBytes, WorkerCpu } from './processStats';
import { SampleHistory } from './SampleHistory';
import { StageTracker } from './StageTracker';
import { StreamStats } from './streamStats';
import type { HealthSample, HlsHealth, NodeHealth, ProducerHealth, SourceHealth, StageHealth, WorkerHealth } from './types';

export interface HealthSamplerOptions {
  /** Names this node in every sample (several nodes may report to one console). */
  nodeId: string;
  /** Time between samples. Default 2000 ms. */
  intervalMs?: number;
  /** How much history is kept in memory for charts. Default 10 minutes. */
  historyMs?: number;
  /** A stage's HLS stream, where one runs (media/egress). */
  hls?: (stageKey: string, nowMs: number) => HlsHealth | null;
  /** Free space where recordings go, where this node records. */
  recordingsDisk?: () => NodeHealth['recordingsDisk'];
}

export interface HealthSamplerEvents {
  sample: [HealthSample];
}

/**
 * Samples the health of this node's media every `intervalMs`: per source, what mediasoup measures on
 * its producers (and whether the on-site feed's packets arrive at all); per stage, viewers, consumer
 * scores, bitrate out and routers; per worker, CPU and memory; for the process, CPU, memory,
 * event-loop lag and connected sockets. Keeps `historyMs` of samples and emits each as it is taken.
 *
 * Cost per sample: one worker request per source producer, per on-site feed transport and per worker,
 * and O(1) work per stage; viewers cost nothing here (their consumers are followed through push events
 * by each stage's StageTracker). So it grows with stages × sources, not with viewers.
 */
export class HealthSampler extends EventEmitter<HealthSamplerEvents> {
  readonly intervalMs: number;
  readonly historyMs: number;
  readonly nodeId: string;
  readonly #hls: (stageKey: string, nowMs: number) => HlsHealth | null;
  readonly #recordingsDisk: () => NodeHealth['recordingsDisk'];
  readonly #history: SampleHistory<HealthSample>;
  readonly #trackers = new Map<StageMedia, StageTracker>();
  readonly #streams = new StreamStats();
  readonly #workerCpu = new WorkerCpu();
  readonly #processCpu = new ProcessCpu();
  readonly #loopLag = new LoopLag();
  /** stage key + source id → when media last reached it (or when it was first seen). */
  readonly #lastMedia = new Map<string, number>();
  /** Signaling connections of this node; the sampler knows nothing of sockets, so its owner tells it at start. */
  #connectedSockets: () => number = () => 0;
  /** Pages watching a stage over HLS through this node; the sampler knows nothing of them either. */
  #hlsViewers: (stageKey: string) => number = () => 0;
  readonly #logger: Logger;
  readonly #onStageOpened = (stage: StageMedia): void => this.#track(stage);
  #timer: NodeJS.Timeout | null = null;
  #seq = 0;
  #lastTakenAtMs: number | null = null;
  #started = false;
  #closed = false;

  constructor(
    private readonly media: MediaNode,
    private readonly pool: WorkerPool,
    options: HealthSamplerOptions,
    logger: Logger,
  ) {
    super();
    this.nodeId = options.nodeId;
    this.intervalMs = options.intervalMs ?? 2000;
    this.historyMs = options.historyMs ?? 600_000;
    this.#hls = options.hls ?? (() => null);
    this.#recordingsDisk = options.recordingsDisk ?? (() => null);
    this.#history = new SampleHistory(Math.max(1, Math.ceil(this.historyMs / this.intervalMs)));
    this.#logger = logger.child({ module: 'HealthSampler' });
    for (const stage of media.stages.values()) this.#track(stage);
    media.on('stageopened', this.#onStageOpened);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The newest sample; undefined before the first. */
  latest(): HealthSample | undefined {
    return this.#history.latest();
  }

  /** The kept samples, oldest first. */
  history(): HealthSample[] {
    return this.#history.toArray();
  }

  /** The tracker of a stage's viewers and consumers (benchmarks read its push-event count). */
  trackerOf(stage: StageMedia): StageTracker | undefined {
    return this.#trackers.get(stage);
  }

  /** Starts sampling every `intervalMs`; a slow sample delays the next instead of overlapping it. */
  start(connectedSockets?: () => number, hlsViewers?: (stageKey: string) => number): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    if (connectedSockets) this.#connectedSockets = connectedSockets;
    if (hlsViewers) this.#hlsViewers = hlsViewers;
    this.#schedule(this.intervalMs);
  }

  /** Takes one sample now, keeps it and emits it. */
  async sampleNow(): Promise<HealthSample> {
    const started = performance.now();
    const nowMs = Date.now();
    const [workers, stages] = await Promise.all([
      this.#sampleWorkers(nowMs),
      Promise.all([...this.media.stages.values()].map((s) => this.#sampleStage(s, nowMs))),
    ]);
    this.#streams.endSample();
    const sample: HealthSample = {
      nodeId: this.nodeId,
      seq: ++this.#seq,
      takenAt: new Date(nowMs).toISOString(),
      takenAtMs: nowMs,
      intervalMs: this.#lastTakenAtMs === null ? this.intervalMs : nowMs - this.#lastTakenAtMs,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      node: this.#sampleNode(),
      workers,
      stages: stages.flatMap((s) => (s ? [s] : [])),
    };
    this.#lastTakenAtMs = nowMs;
    if (this.#closed) return sample;
    this.#history.push(sample);
    try {
      this.emit('sample', sample);
    } catch (error) {
      this.#logger.error({ err: error }, 'a sample listener failed');
    }
    return sample;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.media.off('stageopened', this.#onStageOpened);
    for (const tracker of this.#trackers.values()) tracker.detach();
    this.#trackers.clear();
    this.#loopLag.close();
    this.#history.clear();
    this.#logger.debug('close()');
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const started = performance.now();
      this.sampleNow()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'sampling failed'))
        .finally(() => this.#schedule(Math.max(0, this.intervalMs - (performance.now() - started))));
    }, delayMs);
    // Sampling alone must not keep the process alive; the owner closes the sampler on shutdown.
    this.#timer.unref();
  }

  #track(stage: StageMedia): void {
    if (this.#trackers.has(stage) || stage.closed) return;
    this.#trackers.set(stage, new StageTracker(stage));
    stage.once('@close', () => {
      this.#trackers.get(stage)?.detach();
      this.#trackers.delete(stage);
    });
  }

  async #sampleWorkers(nowMs: number): Promise<WorkerHealth[]> {
    const slots = this.pool.slotWorkers();
    this.#workerCpu.retain(new Set(slots.flatMap((s) => (s.worker ? [s.worker.pid] : []))));
    return Promise.all(
      slots.map(async ({ index, worker, restarts, ports }): Promise<WorkerHealth> => {
        const portFigures = { portsInUse: ports.inUse, portsTotal: ports.total, portsExhausted: ports.exhausted };
        if (!worker || worker.closed)
          return { index, pid: null, alive: false, cpuPercent: null, rssBytes: null, maxRssBytes: null, restarts, ...portFigures };
        const [usage, rssBytes] = await Promise.all([this.#workerCpu.read(worker, nowMs), residentBytes(worker.pid)]);
        return {
          index,
          pid: worker.pid,
          alive: true,
          cpuPercent: usage.cpuPercent,
          rssBytes,
          maxRssBytes: usage.maxRssBytes,
          restarts,
          ...portFigures,
        };
      }),
    );
  }

  async #sampleStage(stage: StageMedia, nowMs: number): Promise<StageHealth | null> {
    const tracker = this.#trackers.get(stage);
    if (!tracker || stage.closed) return null;
    const sources = await Promise.all(stage.sourceMedia.map((source) => this.#sampleSource(stage.key, source, nowMs)));
    // Forget silence bookkeeping of sources that are gone.
    const prefix = `${stage.key}\u0000`;
    const present = new Set(sources.map((s) => `${prefix}${s.id}`));
    for (const key of this.#lastMedia.keys()) if (key.startsWith(prefix) && !present.has(key)) this.#lastMedia.delete(key);

    const counts = tracker.counts();
    let bitrateOutBps = 0;
    let bytesOutDelta = 0;
    let receivingViewers = 0;
    for (const source of sources) {
      for (const producer of source.producers) {
        const active = tracker.activeConsumersOf(producer.producerId);
        bitrateOutBps += producer.bitrateBps * active.all;
        bytesOutDelta += producer.bytesDelta * active.all;
        // Each viewer consumes a source's producers; the busiest flowing producer counts the viewers
        // that receive something (a lower bound when viewers consume different producers).
        if (producer.receiving) receivingViewers = Math.max(receivingViewers, active.viewers);
      }
    }
    return {
      key: stage.key,
      program: stage.program,
      viewers: counts.viewers,
      hlsViewers: this.#hlsViewers(stage.key),
      receivingViewers,
      previews: counts.previews,
      consumers: counts.consumers,
      activeConsumers: counts.activeConsumers,
      consumerScores: counts.consumerScores,
      bitrateOutBps,
      bytesOutDelta,
      routers: 1 + stage.distributionRouters.length,
      distributionRouters: stage.distributionRouters.length,
      joins: counts.joins,
      programSwitches: counts.programSwitches,
      sources,
      languages: stage.booths.languages.map((language) => {
        const booth = stage.booths.state(language);
        const live = sources.find((s) => s.id === booth.liveSourceId);
        return {
          language,
          interpreters: booth.interpreters.length,
          live: booth.liveParticipantId !== null,
          liveParticipantId: booth.liveParticipantId,
          audioLevelDbov: booth.audioLevelDbov,
          receiving: live?.receiving ?? false,
          lossPercent: live?.lossPercent ?? 0,
          bitrateBps: live?.bitrateBps ?? 0,
        };
      }),
      hls: this.#hls(stage.key, nowMs),
    };
  }

  async #sampleSource(stageKey: string, source: SourceMedia, nowMs: number): Promise<SourceHealth> {
    const [producerReadings, feedReadings] = await Promise.all([
      Promise.all(source.producers.map((p) => this.#streams.producer(p))),
      Promise.all(source.transports.map((t) => this.#streams.feedTransport(t))),
    ]);
    const producers = producerReadings.flatMap((p): ProducerHealth[] => (p ? [p] : []));
    const receiving = producers.some((p) => p.receiving);
    const key = `${stageKey}\u0000${source.info.id}`;
    if (receiving || !this.#lastMedia.has(key)) this.#lastMedia.set(key, nowMs);
    const flowing = producers.filter((p) => p.receiving);
    return {
      id: source.info.id,
      kind: source.info.kind,
      label: source.info.label,
      ownerId: source.info.ownerId,
      receiving,
      silentForMs: receiving ? 0 : nowMs - (this.#lastMedia.get(key) ?? nowMs),
      bitrateBps: producers.reduce((sum, p) => sum + p.bitrateBps, 0),
      lossPercent: Math.max(0, ...producers.map((p) => p.lossPercent)),
      score: flowing.length > 0 ? Math.min(...flowing.map((p) => p.score)) : null,
      producers,
      feed: source.info.kind === 'onsite' ? feedReadings.flatMap((t) => (t ? [t] : [])) : null,
      ...(source.encoder ? { encoder: source.encoder() } : {}),
    };
  }

  #sampleNode(): NodeHealth {
    const memory = process.memoryUsage();
    return {
      pid: process.pid,
      cpuPercent: this.#processCpu.read(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopLagMs: this.#loopLag.read(),
      connectedSockets: this.#connectedSockets(),
      recordingsDisk: this.#recordingsDisk(),
    };
  }
}
