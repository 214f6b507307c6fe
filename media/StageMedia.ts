import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { ROUTER_MEDIA_CODECS } from './codecs';
import type { MediaPeer } from './MediaPeer';
import { LanguageBooths } from './LanguageBooths';
import { openIngest, type IngestOptions, type IngestTarget } from './ingest';
import type { PeerStage, Pipe, ReceiveRouter } from './peerStage';
import type { EncoderFeedHealth } from './health/types';
import type { SourceMedia, StageMediaEvents, StagePlayer, WorkerPicker } from './stageMediaTypes';
import { MediaError, type MediaOptions, type SourceInfo, type SourceKind } from './types';

interface Source {
  info: SourceInfo;
  producers: Map<string, types.Producer>;
  /** Transports that exist only for this source (the on-site feed's PlainTransports). */
  ownedTransports: types.Transport[];
  /** Where the hall encoder sends this source's RTP (on-site feeds only). */
  ingest?: IngestTarget;
  encoder?: () => EncoderFeedHealth | null;
}

/**
 * The media of one stage: an origin router holding its sources, and distribution routers on other
 * workers that viewers consume from. Owns its routers; closing it closes everything under it.
 */
export class StageMedia extends EventEmitter<StageMediaEvents> implements PeerStage<MediaPeer> {
  readonly #sources = new Map<string, Source>();
  readonly #distribution: ReceiveRouter[] = [];
  readonly #originSlot: ReceiveRouter;
  readonly #peers = new Set<MediaPeer>();
  /** Of #peers, those that follow the program: counted as they come and go, since every join asks (the seat budget). */
  #programFollowers = 0;
  readonly #players = new Set<StagePlayer>();
  #program: string | null = null;
  readonly #logger: Logger;
  #opening: Promise<ReceiveRouter> | null = null;
  #closed = false;
  /** The interpreters' booths of this stage's language channels. */
  readonly booths: LanguageBooths;

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
    this.#originSlot = { kind: 'origin', router: origin, worker: originWorker, consumers: 0, piped: new Map() };
    origin.on('workerclose', () => this.close());
    this.booths = new LanguageBooths((id) => [...(this.#sources.get(id)?.producers.values() ?? [])], this.#logger);
    this.on('sourceupdated', (source) => this.booths.sourceUpdated(source));
    this.on('sourceclosed', (sourceId) => this.booths.sourceClosed(sourceId));
  }

  static async create(key: string, workers: WorkerPicker, options: MediaOptions, logger: Logger): Promise<StageMedia> {
    const worker = workers.pick();
    const origin = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { stage: key, role: 'origin' } });
    const stage = new StageMedia(key, origin, worker, workers, options, logger);
    // Interpreters' levels, for ops: once a second, anything above −80 dBov counts as speaking.
    stage.booths.measureLevels(() => origin.createAudioLevelObserver({ maxEntries: 4, threshold: -80, interval: 1000 }));
    return stage;
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

  /** Every source with its producers and own transports, for observers that poll their stats. */
  get sourceMedia(): SourceMedia[] {
    return [...this.#sources.values()].map((s) => ({
      info: s.info,
      producers: [...s.producers.values()],
      transports: s.ownedTransports,
      ...(s.encoder ? { encoder: s.encoder } : {}),
    }));
  }

  get distributionRouters(): readonly ReceiveRouter[] {
    return this.#distribution;
  }

  /** Where this stage's media runs, for ops and benchmarks. */
  describe(): {
    sources: SourceInfo[];
    origin: { workerPid: number };
    distributionRouters: { routerId: string; workerPid: number; consumers: number }[];
  } {
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

  /** Consumers on all of this stage's routers. */
  get consumerCount(): number {
    return this.#distribution.reduce((sum, d) => sum + d.consumers, this.#originSlot.consumers);
  }

  routersOn(worker: types.Worker): number {
    return (this.originWorker === worker ? 1 : 0) + this.#distribution.filter((d) => d.worker === worker).length;
  }

  /** The source on air; null when the host has not chosen one (viewers then receive every source). */
  get program(): string | null {
    return this.#program;
  }

  isOnProgram(producerId: string): boolean {
    if (this.#program === null) return true;
    // Language channels are never on air and always flow: each viewer picks one by resuming its consumer.
    for (const source of this.#sources.values()) {
      if (source.producers.has(producerId)) return source.info.id === this.#program || source.info.kind === 'interpretation';
    }
    return false;
  }

  /**
   * Puts a source on air for every viewer at once. Viewers hold a consumer per source on their
   * distribution router; the switch pauses and resumes the pipes that feed those routers, so it costs
   * a few requests per router, not per viewer, and nobody renegotiates. Resumed consumers ask for a
   * key frame. A source that is not (yet) live may be chosen: viewers switch when it appears.
   */
  async setProgram(sourceId: string | null): Promise<void> {
    this.#assertOpen();
    if (sourceId !== null && this.#sources.get(sourceId)?.info.kind === 'interpretation')
      throw new MediaError('bad_request', 'a language channel is not a program source');
    const changed = this.#program !== sourceId;
    this.#program = sourceId;
    if (changed) this.emit('programchanged', sourceId);
    const gates = this.#distribution.flatMap((d) =>
      [...d.piped.entries()].map(async ([producerId, pipe]) => this.#gate(producerId, await pipe)),
    );
    await Promise.all(gates);
  }

  registerPeer(peer: MediaPeer): void {
    this.#peers.add(peer);
    if (peer.followsProgram) this.#programFollowers += 1;
    peer.once('@close', () => {
      if (!this.#peers.delete(peer)) return;
      if (peer.followsProgram) this.#programFollowers -= 1;
      this.emit('peerremoved', peer);
    });
    this.emit('peeradded', peer);
  }

  /** Called by a peer for each consumer it opens, so observers need no listener per peer. */
  consumerOpened(peer: MediaPeer, consumer: types.Consumer): void {
    this.emit('consumeropened', { peer, consumer });
  }

  /** Called by a peer when its receive path goes up or down. */
  peerReceiving(peer: MediaPeer): void {
    this.emit('peerreceiving', peer);
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  get playerCount(): number {
    return this.#players.size;
  }

  /** A player of the program outside the signaling (WHEP) joined: a viewer until it closes. */
  addPlayer(player: StagePlayer): void {
    this.#assertOpen();
    this.#players.add(player);
    player.once('@close', () => {
      if (this.#players.delete(player)) this.emit('playerremoved');
    });
  }

  /** Peers that follow the program (viewers), not the hosts' previews of every source, and players. */
  get viewerCount(): number {
    return this.#programFollowers + this.#players.size;
  }

  hasProducer(producerId: string): boolean {
    return [...this.#sources.values()].some((s) => s.producers.has(producerId));
  }

  isLayered(producerId: string): boolean {
    for (const source of this.#sources.values()) {
      const producer = source.producers.get(producerId);
      if (producer) return producer.type !== 'simple';
    }
    return false;
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
      ingest: ingest.target,
    };
    this.#sources.set(sourceId, source);
    for (const producer of ingest.producers) this.#track(source, producer);
    this.#logger.info({ source: sourceId, video: ingest.target.video.port, audio: ingest.target.audio.port }, 'openIngest()');
    this.emit('sourceupdated', source.info);
    return ingest.target;
  }

  /**
   * Opens an on-site feed whose transports and producers a gateway builds on the origin router (WHIP;
   * RTMP and SRT relays), and replaces a previous feed with the same source id once they are open: a
   * gateway that fails leaves the stage as it was.
   */
  async openFeed<T>(
    source: { id: string; label: string; encoder?: () => EncoderFeedHealth | null },
    open: (router: types.Router) => Promise<{ transports: types.Transport[]; producers: types.Producer[]; result: T }>,
  ): Promise<T> {
    this.#assertOpen();
    const feed = await open(this.origin);
    if (this.#closed) {
      for (const transport of feed.transports) transport.close();
      throw new MediaError('not_found', 'stage closed');
    }
    this.closeSource(source.id);
    const entry: Source = {
      info: { id: source.id, kind: 'onsite', label: source.label, ownerId: null, producers: [] },
      producers: new Map(),
      ownedTransports: feed.transports,
      ...(source.encoder ? { encoder: source.encoder } : {}),
    };
    this.#sources.set(source.id, entry);
    for (const producer of feed.producers) this.#track(entry, producer);
    this.#logger.info({ source: source.id, producers: feed.producers.length }, 'openFeed()');
    this.emit('sourceupdated', entry.info);
    return feed.result;
  }

  /** Where an open on-site feed expects its RTP, so an encoder can check it still pushes to the right place. */
  ingestTarget(sourceId: string): IngestTarget | undefined {
    return this.#sources.get(sourceId)?.ingest;
  }

  /**
   * Adds a producer to its source (created on first use): a participant's WebRTC producer, or on an
   * edge node a pipe producer that brings the origin node's source here.
   */
  addProducer(
    producer: types.Producer,
    source: { id: string; kind: SourceKind; label: string; ownerId: string | null; language?: string },
  ): SourceInfo {
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
   * The router a new participant receives on. Viewers (who follow the program) get the first
   * distribution router with room, else a new one on the least-loaded worker (away from the origin
   * when there is a choice); previews get the origin.
   */
  async allocateReceiveRouter(followsProgram: boolean): Promise<ReceiveRouter> {
    this.#assertOpen();
    if (!followsProgram) return this.#originSlot;
    const withRoom = this.#distribution.find((d) => d.consumers < this.options.maxConsumersPerRouter);
    if (withRoom) return withRoom;
    // Viewers arriving together share one new router instead of each opening their own.
    this.#opening ??= this.#openDistribution().finally(() => (this.#opening = null));
    return this.#opening;
  }

  /** Makes a stage producer consumable on a receive router (one pipe per producer per distribution router). */
  async prepare(receiver: ReceiveRouter, producerId: string): Promise<void> {
    if (!this.hasProducer(producerId)) throw new MediaError('not_found', `no source producer ${producerId} on this stage`);
    if (receiver.kind === 'origin') return;
    let piping = receiver.piped.get(producerId);
    if (!piping) {
      piping = this.origin
        .pipeToRouter({ producerId, router: receiver.router, listenIp: '127.0.0.1' })
        .then(async ({ pipeConsumer, pipeProducer }) => {
          if (!pipeConsumer || !pipeProducer) throw new MediaError('unavailable', 'pipeToRouter gave no pipe');
          // The pipe closes with the origin producer; forget it so a re-published id re-pipes.
          pipeProducer.observer.once('close', () => receiver.piped.delete(producerId));
          const pipe = { pipeConsumer, pipeProducer };
          await this.#gate(producerId, pipe);
          return pipe;
        });
      receiver.piped.set(producerId, piping);
      piping.catch(() => receiver.piped.delete(producerId));
    }
    await piping;
  }

  /** Lets a pipe flow when its source is on air (or no program is set), and stops it otherwise. */
  async #gate(producerId: string, { pipeConsumer, pipeProducer }: Pipe): Promise<void> {
    if (pipeConsumer.closed || pipeProducer.closed) return;
    if (this.isOnProgram(producerId)) {
      await Promise.all([pipeConsumer.paused ? pipeConsumer.resume() : undefined, pipeProducer.paused ? pipeProducer.resume() : undefined]);
    } else {
      await Promise.all([pipeProducer.paused ? undefined : pipeProducer.pause(), pipeConsumer.paused ? undefined : pipeConsumer.pause()]);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('close()');
    for (const peer of [...this.#peers]) peer.close();
    for (const player of [...this.#players]) player.close();
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

  async #openDistribution(): Promise<ReceiveRouter> {
    const worker = this.workers.pick(this.originWorker);
    const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { stage: this.key, role: 'distribution' } });
    if (this.#closed) {
      router.close();
      throw new MediaError('not_found', 'stage closed');
    }
    const distribution: ReceiveRouter = { kind: 'distribution', router, worker, consumers: 0, piped: new Map() };
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
