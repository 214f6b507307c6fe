import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { withoutBandwidthEstimation } from './codecs';
import type { PeerStage, ReceiveRouter } from './peerStage';
import { isPortExhaustion } from './ports';
import { MediaError } from './types';
import type {
  TransportDirection,
  TransportParams,
  ConsumerParams,
  ProduceRequest,
  PortsExhaustedListener,
  MediaPeerEvents,
} from './mediaPeerTypes';

type TransportEntry = ({ kind: 'webrtc'; transport: types.WebRtcTransport } | { kind: 'plain'; transport: types.PlainTransport }) & {
  direction: TransportDirection;
  connected: boolean;
};

export class MediaPeer extends EventEmitter<MediaPeerEvents> {
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #logger: Logger;
  #receiver: ReceiveRouter | null = null;
  /** Requests under way: the caps count them, so concurrent requests cannot overshoot. */
  readonly #pendingDirections = new Set<TransportDirection>();
  #pendingProducers = 0;
  #pendingConsumers = 0;
  #closed = false;
  #receiving = false;

  /**
   * @param followsProgram viewers receive only the source on air (on a distribution router); hosts
   *   and ops receive every source for their previews (on the origin).
   */
  constructor(
    /** Whose media this is: the participant publishing or watching (sources are named after them). */
    readonly participantId: string,
    readonly displayName: string,
    readonly stage: PeerStage<MediaPeer>,
    readonly followsProgram: boolean,
    logger: Logger,
    private readonly onPortsExhausted: PortsExhaustedListener = () => undefined,
  ) {
    super();
    this.#logger = logger.child({ module: 'MediaPeer', stage: stage.key, participant: participantId });
    // The stage closes its peers itself (one listener per peer on the stage would not scale).
    stage.registerPeer(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether what this peer consumes can reach it: its receive transport is connected (ICE and DTLS, or plain RTP). */
  get receiving(): boolean {
    return this.#receiving;
  }

  get consumerCount(): number {
    return this.#consumers.size;
  }

  get producerCount(): number {
    return this.#producers.size;
  }

  get consumerIds(): string[] {
    return [...this.#consumers.keys()];
  }

  get transportCount(): number {
    return this.#transports.size;
  }

  /** At most one transport per direction: a client asking again (or many times at once) is refused. */
  async createTransport(direction: TransportDirection): Promise<TransportParams> {
    this.#assertOpen();
    if (this.#pendingDirections.has(direction) || [...this.#transports.values()].some((t) => t.direction === direction)) {
      throw new MediaError('conflict', `a ${direction} transport already exists`);
    }
    this.#pendingDirections.add(direction);
    try {
      return await this.#openTransport(direction);
    } finally {
      this.#pendingDirections.delete(direction);
    }
  }

  async #openTransport(direction: TransportDirection): Promise<TransportParams> {
    const router = direction === 'send' ? this.stage.origin : (await this.#receiveRouter()).router;
    const { options } = this.stage;
    const transport = await this.#binding(router, () =>
      router.createWebRtcTransport({
        listenIps: [{ ip: options.listenIp, announcedIp: options.announcedIp }],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
        appData: { participant: this.participantId, direction },
      }),
    );
    if (this.#closed) {
      transport.close();
      throw new MediaError('not_found', 'peer closed');
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(options.maxIncomingBitrate);
    else {
      const follow = (): void =>
        this.#setReceiving(['connected', 'completed'].includes(transport.iceState) && transport.dtlsState === 'connected');
      transport.on('icestatechange', follow);
      transport.on('dtlsstatechange', follow);
    }
    this.#keep({ kind: 'webrtc', transport, direction, connected: false });
    this.#logger.debug({ direction, transport: transport.id }, 'createTransport()');
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A receive transport that sends plain RTP to a fixed address: for egress to a restreamer or a
   * recorder on the local network, never offered to browsers.
   */
  async createEgressTransport(remote: { ip: string; port: number; srtp?: types.SrtpParameters }): Promise<string> {
    this.#assertOpen();
    if (this.#pendingDirections.has('recv') || [...this.#transports.values()].some((t) => t.direction === 'recv'))
      throw new MediaError('conflict', 'a recv transport already exists');
    const { router } = await this.#receiveRouter();
    const transport = await this.#binding(router, () =>
      router.createPlainTransport({
        listenIp: '127.0.0.1',
        rtcpMux: true,
        comedia: false,
        enableSrtp: remote.srtp !== undefined,
        srtpCryptoSuite: remote.srtp?.cryptoSuite,
        appData: { participant: this.participantId, direction: 'recv' },
      }),
    );
    await transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtp });
    this.#keep({ kind: 'plain', transport, direction: 'recv', connected: true });
    this.#setReceiving(true);
    return transport.id;
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const entry = this.#webRtcTransport(transportId);
    if (entry.connected) throw new MediaError('conflict', 'transport already connected');
    entry.connected = true;
    try {
      await entry.transport.connect({ dtlsParameters });
    } catch (error) {
      entry.connected = false;
      throw error;
    }
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    return this.#webRtcTransport(transportId).transport.restartIce();
  }

  async produce(request: ProduceRequest): Promise<string> {
    const { transport, direction } = this.#transport(request.transportId);
    if (direction !== 'send') throw new MediaError('bad_request', 'produce needs a send transport');
    const max = this.stage.options.maxProducersPerPeer;
    if (this.#producers.size + this.#pendingProducers >= max)
      throw new MediaError('conflict', `a connection publishes at most ${max} producers`);
    const language = request.source === 'interpretation' ? request.language : undefined;
    const sourceId =
      language === undefined ? `${request.source}:${this.participantId}` : `interpretation:${language}:${this.participantId}`;
    this.#pendingProducers += 1;
    let producer: types.Producer;
    try {
      producer = await transport.produce({
        kind: request.kind,
        rtpParameters: request.rtpParameters,
        // An interpreter starts muted: the booth (LanguageBooths) resumes the one who is live.
        paused: language !== undefined,
        appData: { participant: this.participantId, source: sourceId },
      });
    } finally {
      this.#pendingProducers -= 1;
    }
    if (this.#closed) {
      producer.close();
      throw new MediaError('not_found', 'peer closed');
    }
    try {
      const label = request.source === 'screen' ? `${this.displayName} — screen` : this.displayName;
      const channel = language === undefined ? {} : { language };
      this.stage.addProducer(producer, { id: sourceId, kind: request.source, label, ownerId: this.participantId, ...channel });
    } catch (error) {
      producer.close();
      throw error;
    }
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      // Only a producer taken off while its transport lives is news for the client (do not publish it
      // again); one that went with its transport (peer closed, worker died) is published again on rejoin.
      if (this.#producers.delete(producer.id) && !transport.closed) this.emit('producerclosed', { producerId: producer.id });
    });
    this.#logger.info({ producer: producer.id, kind: request.kind, source: sourceId }, 'produce()');
    return producer.id;
  }

  closeProducer(producerId: string): void {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new MediaError('not_found', `no producer ${producerId} of this peer`);
    producer.close();
  }

  /** Closes every producer this peer publishes (its right to speak was revoked, say). */
  closeAllProducers(): void {
    for (const producer of [...this.#producers.values()]) producer.close();
  }

  /**
   * Creates a consumer of a stage producer on this peer's receive transport: paused, unless `paused:
   * false` asks for it to flow at once (a client that sets it up before its transport connects).
   */
  async consume(producerId: string, rtpCapabilities: types.RtpCapabilities, { paused = true } = {}): Promise<ConsumerParams> {
    const recv = [...this.#transports.values()].find((t) => t.direction === 'recv');
    if (!recv) throw new MediaError('bad_request', 'consume needs a recv transport');
    const max = this.stage.options.maxConsumersPerPeer;
    if (this.#consumers.size + this.#pendingConsumers >= max)
      throw new MediaError('conflict', `a connection holds at most ${max} consumers`);
    this.#pendingConsumers += 1;
    let consumer: types.Consumer;
    let receiver: ReceiveRouter;
    try {
      receiver = await this.#receiveRouter();
      await this.stage.prepare(receiver, producerId);
      const capabilities = this.stage.isLayered(producerId) ? rtpCapabilities : withoutBandwidthEstimation(rtpCapabilities);
      if (!receiver.router.canConsume({ producerId, rtpCapabilities: capabilities })) {
        throw new MediaError('bad_request', 'these RTP capabilities cannot consume that producer');
      }
      consumer = await recv.transport.consume({
        producerId,
        rtpCapabilities: capabilities,
        paused,
        appData: { participant: this.participantId },
      });
    } catch (error) {
      // The source left while this was asked (a viewer's consume racing an encoder's end): theirs to retry.
      if (!this.stage.hasProducer(producerId)) throw new MediaError('not_found', `producer ${producerId} closed`);
      throw error;
    } finally {
      this.#pendingConsumers -= 1;
    }
    if (this.#closed) {
      consumer.close();
      throw new MediaError('not_found', 'peer closed');
    }
    this.#consumers.set(consumer.id, consumer);
    receiver.consumers += 1;
    const forget = (): void => {
      if (!this.#consumers.delete(consumer.id)) return;
      receiver.consumers -= 1;
      this.emit('consumerclosed', { consumerId: consumer.id, producerId });
    };
    consumer.observer.once('close', forget);
    consumer.on('producerclose', forget);
    consumer.on('transportclose', forget);
    consumer.on('layerschange', (layers?: types.ConsumerLayers) => {
      this.emit('consumerlayerschange', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      });
    });
    this.stage.consumerOpened(this, consumer);
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      paused: consumer.paused,
    };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumer(consumerId);
    // The worker may have closed it (its producer ended) before Node hears of it.
    await consumer.resume().catch((error: unknown) => {
      throw consumer.closed || !this.#consumers.has(consumerId) ? new MediaError('not_found', `consumer ${consumerId} closed`) : error;
    });
  }

  /** Closes one consumer of this peer (the client is told, as when its producer ends); unknown ids are ignored. */
  closeConsumer(consumerId: string): void {
    this.#consumers.get(consumerId)?.close();
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.#consumer(consumerId).pause();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = this.#consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw new MediaError('bad_request', 'preferred layers apply to simulcast or SVC consumers only');
    }
    await consumer.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a transport closes its producers and consumers with it.
    for (const { transport } of [...this.#transports.values()]) transport.close();
    this.#logger.debug('close()');
    this.emit('@close');
  }

  #setReceiving(receiving: boolean): void {
    if (receiving === this.#receiving || this.#closed) return;
    this.#receiving = receiving;
    this.stage.peerReceiving(this);
  }

  /**
   * A transport whose router closes under it (its worker died) leaves this peer with nothing to send
   * or receive on: the peer closes, and its owner tells the client to join again.
   */
  #keep(entry: TransportEntry): void {
    const { transport } = entry;
    this.#transports.set(transport.id, entry);
    this.emit('transportcount', 1);
    transport.observer.once('close', () => {
      if (this.#transports.delete(transport.id)) this.emit('transportcount', -1);
    });
    transport.on('routerclose', () => {
      this.#logger.warn({ transport: transport.id }, 'router closed under a transport; closing the peer');
      this.close();
    });
  }

  /** Creates a transport; a worker out of ports is this node's capacity running out, not a bug: `unavailable`. */
  async #binding<T>(router: types.Router, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (error) {
      if (!isPortExhaustion(error)) throw error;
      this.onPortsExhausted(router);
      throw new MediaError('unavailable', 'this node has no free media port right now; try again shortly');
    }
  }

  async #receiveRouter(): Promise<ReceiveRouter> {
    if (this.#receiver && !this.#receiver.router.closed) return this.#receiver;
    this.#receiver = await this.stage.allocateReceiveRouter(this.followsProgram);
    return this.#receiver;
  }

  #webRtcTransport(transportId: string): TransportEntry & { kind: 'webrtc' } {
    const entry = this.#transport(transportId);
    if (entry.kind !== 'webrtc') throw new MediaError('bad_request', 'not a WebRTC transport');
    return entry;
  }

  #transport(transportId: string): TransportEntry {
    this.#assertOpen();
    const entry = this.#transports.get(transportId);
    if (!entry) throw new MediaError('not_found', `no transport ${transportId} of this peer`);
    return entry;
  }

  #consumer(consumerId: string): types.Consumer {
    this.#assertOpen();
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new MediaError('not_found', `no consumer ${consumerId} of this peer`);
    return consumer;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('not_found', 'peer closed');
  }
}
