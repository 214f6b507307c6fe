import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { ROUTER_MEDIA_CODECS } from './codecs';
import type { MediaPeer } from './MediaPeer';
import { openIngest, type IngestOptions, type IngestTarget } from './ingest';
import { MediaError, type MediaOptions, type SourceInfo, type SourceKind } from './types';

/** Chooses workers for a stage's routers; the MediaNode knows the load of every worker. */
export interface WorkerPicker {
  /** The least loaded worker, preferring one that is not `avoid`. */
  pick(avoid?: types.Worker): types.Worker;
}

/** A router viewers consume from, fed from the origin with pipeToRouter. */
export interface DistributionRouter {
  readonly router: types.Router;
  readonly worker: types.Worker;
  consumers: number;
  /** Origin producer id → the pipe that brings it here (same id on both routers). */
  readonly piped: Map<string, Promise<void>>;
}

export interface StageMediaEvents {
  /** A source appeared or its producers changed (e.g. a speaker added a microphone). */
  sourceupdated: [SourceInfo];
  sourceclosed: [string];
  '@close': [];
}

interface Source {
  info: SourceInfo;
  producers: Map<string, types.Producer>;
  /** Transports that exist only for this source (the on-site feed's PlainTransports). */
  ownedTransports: types.Transport[];
}

/**
 * The media of one stage: an origin router holding its sources, and distribution routers on other
 * workers that viewers consume from. Owns its routers; closing it closes everything under it.
 */
export class StageMedia extends EventEmitter<StageMediaEvents> {
  readonly #sources = new Map<string, Source>();
  readonly #distribution: DistributionRouter[] = [];
  readonly #peers = new Set<MediaPeer>();
  #program: string | null = null;
  readonly #logger: Logger;
  #opening: Promise<DistributionRouter> | null = null;
  #closed = false;

  private constructor(
    readonly key: string,
    readonly origin: types.Router,
    readonly originWorker: types.Worker,
    private readonly workers: WorkerPicker,
    readonly options: MediaOptions,
    logger: Logger,
  ) {
    super();
    this.#logger = logger.child({ module: 'StageMedia', stage: key });
    origin.on('workerclose', () => this.close());
  }

  static async create(key: string, workers: WorkerPicker, options: MediaOptions, logger: Logger): Promise<StageMedia> {
    const worker = workers.pick();
    const origin = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { stage: key, role: 'origin' } });
    return new StageMedia(key, origin, worker, workers, options, logger);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.origin.rtpCapabilities;
  }

  get sources(): SourceInfo[] {
    return [...this.#sources.values()].map((s) => s.info);
  }

  get distributionRouters(): readonly DistributionRouter[] {
    return this.#distribution;
  }

  /** Where this stage's media runs, for ops and benchmarks. */
  describe(): { sources: SourceInfo[]; origin: { workerPid: number }; distributionRouters: { routerId: string; workerPid: number; consumers: number }[] } {
    return {
      sources: this.sources,
      origin: { workerPid: this.originWorker.pid },
      distributionRouters: this.#distribution.map((d) => ({ routerId: d.router.id, workerPid: d.worker.pid, consumers: d.consumers })),
    };
  }

  /** Consumers on this stage's routers of one worker: the load the MediaNode balances. */
  consumersOn(worker: types.Worker): number {
    return this.#distribution.filter((d) => d.worker === worker).reduce((sum, d) => sum + d.consumers, 0);
  }

  routersOn(worker: types.Worker): number {
    return (this.originWorker === worker ? 1 : 0) + this.#distribution.filter((d) => d.worker === worker).length;
  }

  /** The source on air; null when the host has not chosen one (viewers then receive every source). */
  get program(): string | null {
    return this.#program;
  }

  isOnProgram(producerId: string): boolean {
    return this.#program === null || (this.#sources.get(this.#program)?.producers.has(producerId) ?? false);
  }

  /**
   * Puts a source on air for every viewer at once: each viewer already holds a consumer per source,
   * so the switch is a pause and a resume per viewer on the server, with no renegotiation.
   * A source that is not (yet) live may be chosen: viewers switch when it appears.
   */
  async setProgram(sourceId: string | null): Promise<void> {
    this.#assertOpen();
    this.#program = sourceId;
    await Promise.all([...this.#peers].map((peer) => peer.applyProgram()));
  }

  registerPeer(peer: MediaPeer): void {
    this.#peers.add(peer);
    peer.once('@close', () => this.#peers.delete(peer));
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  hasProducer(producerId: string): boolean {
    return [...this.#sources.values()].some((s) => s.producers.has(producerId));
  }

  /**
   * Opens (or re-opens) an on-site feed: RTP ports a hall encoder pushes to. Replaces a previous feed
   * with the same source id ('onsite' unless a second hall camera is named).
   */
  async openIngest(options: IngestOptions): Promise<IngestTarget> {
    this.#assertOpen();
    const sourceId = options.sourceId ?? 'onsite';
    this.closeSource(sourceId);
    const ingest = await openIngest(this.origin, this.options, options);
    if (this.#closed) {
      for (const transport of ingest.transports) transport.close();
      throw new MediaError('not_found', 'stage closed');
    }
    const source: Source = {
      info: { id: sourceId, kind: 'onsite', label: options.label ?? 'On-site feed', ownerId: null, producers: [] },
      producers: new Map(),
      ownedTransports: ingest.transports,
    };
    this.#sources.set(sourceId, source);
    for (const producer of ingest.producers) this.#track(source, producer);
    this.#logger.info({ source: sourceId, video: ingest.target.video.port, audio: ingest.target.audio.port }, 'openIngest()');
    this.emit('sourceupdated', source.info);
    return ingest.target;
  }

  /** Adds a WebRTC producer of a participant to its source (created on first use). */
  addProducer(producer: types.Producer, source: { id: string; kind: SourceKind; label: string; ownerId: string }): SourceInfo {
    this.#assertOpen();
    let entry = this.#sources.get(source.id);
    if (!entry) {
      entry = { info: { ...source, producers: [] }, producers: new Map(), ownedTransports: [] };
      this.#sources.set(source.id, entry);
    } else if (entry.info.ownerId !== source.ownerId) {
      throw new MediaError('conflict', `source ${source.id} belongs to another participant`);
    }
    this.#track(entry, producer);
    this.emit('sourceupdated', entry.info);
    return entry.info;
  }

  closeSource(sourceId: string): void {
    const source = this.#sources.get(sourceId);
    if (!source) return;
    this.#sources.delete(sourceId);
    for (const producer of source.producers.values()) producer.close();
    for (const transport of source.ownedTransports) transport.close();
    this.#logger.info({ source: sourceId }, 'closeSource()');
    this.emit('sourceclosed', sourceId);
  }

  /**
   * The distribution router a new viewer should use: the first with room, else a new one on the
   * least-loaded worker (away from the origin when there is a choice).
   */
  async allocateDistribution(): Promise<DistributionRouter> {
    this.#assertOpen();
    const withRoom = this.#distribution.find((d) => d.consumers < this.options.maxConsumersPerRouter);
    if (withRoom) return withRoom;
    // Viewers arriving together share one new router instead of each opening their own.
    this.#opening ??= this.#openDistribution().finally(() => (this.#opening = null));
    return this.#opening;
  }

  /** Makes an origin producer consumable on a distribution router (one pipe per producer per router). */
  async pipe(distribution: DistributionRouter, producerId: string): Promise<void> {
    if (!this.hasProducer(producerId)) throw new MediaError('not_found', `no source producer ${producerId} on this stage`);
    let piping = distribution.piped.get(producerId);
    if (!piping) {
      piping = this.origin
        .pipeToRouter({ producerId, router: distribution.router, listenIp: '127.0.0.1' })
        .then(({ pipeProducer }) => {
          // The pipe producer closes with the origin producer; forget it so a re-published id re-pipes.
          pipeProducer?.observer.once('close', () => distribution.piped.delete(producerId));
        });
      distribution.piped.set(producerId, piping);
      piping.catch(() => distribution.piped.delete(producerId));
    }
    await piping;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('close()');
    for (const sourceId of [...this.#sources.keys()]) this.closeSource(sourceId);
    for (const distribution of this.#distribution) distribution.router.close();
    this.#distribution.length = 0;
    this.origin.close();
    this.emit('@close');
  }

  #track(source: Source, producer: types.Producer): void {
    source.producers.set(producer.id, producer);
    source.info.producers.push({ producerId: producer.id, kind: producer.kind });
    producer.observer.once('close', () => {
      if (!source.producers.delete(producer.id)) return;
      source.info.producers = source.info.producers.filter((p) => p.producerId !== producer.id);
      if (this.#sources.get(source.info.id) !== source) return;
      if (source.producers.size === 0) this.closeSource(source.info.id);
      else this.emit('sourceupdated', source.info);
    });
  }

  async #openDistribution(): Promise<DistributionRouter> {
    const worker = this.workers.pick(this.originWorker);
    const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { stage: this.key, role: 'distribution' } });
    if (this.#closed) {
      router.close();
      throw new MediaError('not_found', 'stage closed');
    }
    const distribution: DistributionRouter = { router, worker, consumers: 0, piped: new Map() };
    this.#distribution.push(distribution);
    router.observer.once('close', () => {
      const index = this.#distribution.indexOf(distribution);
      if (index >= 0) this.#distribution.splice(index, 1);
    });
    this.#logger.info({ router: router.id, routers: this.#distribution.length }, 'distribution router opened');
    return distribution;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('not_found', `stage ${this.key} is closed`);
  }
}
