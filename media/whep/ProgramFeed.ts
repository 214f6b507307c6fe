import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { ProgramRelay, type InboundStream } from '../egress/ProgramRelay';
import { egressSource } from '../egress/StageHls';
import type { StageMedia } from '../StageMedia';
import type { MediaKind } from '../types';
import type { PlayerVideoCodec } from './whepOffer';

/** Payload types the relay writes and the feed's producers declare. */
const FEED_PAYLOAD_TYPES = { video: 96, audio: 111 };
const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
/** The mid extension's id on every router (mediasoup's own numbering, which its consumers write). */
const MID_EXTENSION_ID = 1;
/**
 * The relay's packets keep the mid extension the loop consumers wrote: the feed's producers are found
 * by it (they declare no SSRC, as the relay's are its own). mediasoup writes at most 8 bytes of mid.
 */
const FEED_MIDS: Record<MediaKind, string> = { audio: 'pgm-a', video: 'pgm-v' };
/** The previous source's consumers stay this long after a switch: its picture plays until the new source's key frame. */
const RETIRE_AFTER_MS = 3000;
const KEY_FRAME_ASKS = 3;
const KEY_FRAME_ASK_INTERVAL_MS = 500;

interface Following {
  sourceId: string;
  consumers: types.Consumer[];
  video: InboundStream | undefined;
  audio: InboundStream | undefined;
}

function codecOf(producer: types.Producer): PlayerVideoCodec | undefined {
  const mime = producer.rtpParameters.codecs[0]?.mimeType.toLowerCase();
  return mime === 'video/vp8' ? 'VP8' : mime === 'video/h264' ? 'H264' : undefined;
}

/** The video codec of the source on air (or the one the HLS egress would show), if it has video. */
export function programVideoCodec(stage: StageMedia): PlayerVideoCodec | undefined {
  const source = egressSource(stage.sources, stage.program);
  const media = stage.sourceMedia.find((s) => s.info.id === source?.id);
  const video = media?.producers.find((p) => p.kind === 'video');
  return video ? codecOf(video) : undefined;
}

/** H264 as the stage routers speak it (media/codecs.ts): Constrained Baseline, packetization-mode 1. */
export const H264_FEED_PARAMETERS = { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 };

function feedCodec(codec: PlayerVideoCodec): types.RtpCodecParameters {
  // Key frames are asked of the feed's producer with PLI or FIR (its trace tells which source to ask); no NACK (the relay keeps no history).
  const rtcpFeedback = [
    { type: 'nack', parameter: 'pli' },
    { type: 'ccm', parameter: 'fir' },
  ];
  return codec === 'VP8'
    ? { mimeType: 'video/VP8', payloadType: FEED_PAYLOAD_TYPES.video, clockRate: 90000, rtcpFeedback }
    : {
        mimeType: 'video/H264',
        payloadType: FEED_PAYLOAD_TYPES.video,
        clockRate: 90000,
        parameters: H264_FEED_PARAMETERS,
        rtcpFeedback,
      };
}

/**
 * A stage's program as one pair of producers that never change, for players that cannot renegotiate
 * (WHEP). A PlainTransport on the origin router is a loop: its consumers of whatever is on air send to
 * the HLS egress's ProgramRelay, which makes one continuous stream of them (one SSRC, no sequence jump,
 * continuous timestamps, the new source taking over at its key frame), and sends it back into the same
 * transport, where it is produced. One feed carries one video codec: a source of the other codec on air
 * leaves its picture still (its sound still plays). Closes with its stage.
 */
export class ProgramFeed extends EventEmitter<{ '@close': [] }> {
  readonly #logger: Logger;
  #following: Following | null = null;
  #previous: Following | null = null;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #onProgram = (): void => this.#queueFollow();
  readonly #onStageClose = (): void => this.close();

  private constructor(
    readonly stage: StageMedia,
    readonly codec: PlayerVideoCodec,
    private readonly transport: types.PlainTransport,
    private readonly relay: ProgramRelay,
    readonly producers: Record<MediaKind, types.Producer>,
    logger: Logger,
  ) {
    super();
    this.#logger = logger.child({ module: 'ProgramFeed', stage: stage.key, codec });
    stage.on('programchanged', this.#onProgram);
    stage.on('sourceupdated', this.#onProgram);
    stage.on('sourceclosed', this.#onProgram);
    stage.once('@close', this.#onStageClose);
    transport.observer.once('close', () => this.close());
    // A player's key frame request reaches the feed's producer, which would ask the relay (deaf to RTCP): ask the source on air instead.
    producers.video.on('trace', (trace: types.ProducerTraceEventData) => {
      if (trace.direction === 'out' && (trace.type === 'pli' || trace.type === 'fir')) this.#askKeyFrame();
    });
  }

  static async open(stage: StageMedia, codec: PlayerVideoCodec, logger: Logger): Promise<ProgramFeed> {
    const transport = await stage.origin.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
      appData: { role: 'program-feed' },
    });
    let relay: ProgramRelay | undefined;
    try {
      const port = transport.tuple.localPort;
      relay = await ProgramRelay.open({ video: port, audio: port }, FEED_PAYLOAD_TYPES);
      await transport.connect({ ip: '127.0.0.1', port: relay.port });
      const produce = (kind: MediaKind, codecParameters: types.RtpCodecParameters): Promise<types.Producer> =>
        transport.produce({
          kind,
          rtpParameters: {
            mid: FEED_MIDS[kind],
            codecs: [codecParameters],
            headerExtensions: [{ uri: MID_URI, id: MID_EXTENSION_ID }],
            encodings: [{}],
            rtcp: { cname: `program-${stage.key}`.slice(0, 64), reducedSize: true },
          },
          appData: { role: 'program-feed' },
        });
      const audio = await produce('audio', {
        mimeType: 'audio/opus',
        payloadType: FEED_PAYLOAD_TYPES.audio,
        clockRate: 48000,
        channels: 2,
        rtcpFeedback: [],
      });
      const video = await produce('video', feedCodec(codec));
      await video.enableTraceEvent(['pli', 'fir']);
      const feed = new ProgramFeed(stage, codec, transport, relay, { audio, video }, logger);
      feed.#queueFollow();
      await feed.#queue;
      return feed;
    } catch (error) {
      relay?.close();
      transport.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The source the feed shows now (null: nothing on air). */
  get sourceId(): string | null {
    return this.#following?.sourceId ?? null;
  }

  /** Packets the relay has sent into the feed (ops, tests). */
  get packetsRelayed(): number {
    return this.relay.packetsOut;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stage.off('programchanged', this.#onProgram);
    this.stage.off('sourceupdated', this.#onProgram);
    this.stage.off('sourceclosed', this.#onProgram);
    this.stage.off('@close', this.#onStageClose);
    this.relay.close();
    // Its producers and the loop consumers close with it.
    if (!this.transport.closed) this.transport.close();
    this.#logger.info('close()');
    this.emit('@close');
  }

  #queueFollow(): void {
    this.#queue = this.#queue
      .then(() => this.#follow())
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'following the program failed'));
  }

  /** Points the loop at the source on air now (a no-op when it already is). */
  async #follow(): Promise<void> {
    if (this.#closed) return;
    const source = egressSource(this.stage.sources, this.stage.program);
    const wanted = source ? this.#producersToFollow(source.id) : [];
    const current = this.#following?.consumers.map((c) => c.producerId).join(',');
    if (source?.id === this.#following?.sourceId && wanted.map((p) => p.id).join(',') === current) return;
    if (!source) {
      this.#retire(this.#following);
      this.#following = null;
      return;
    }
    const following = await this.#consume(source.id, wanted);
    if (this.#closed) {
      for (const consumer of following.consumers) consumer.close();
      return;
    }
    this.#retire(this.#previous);
    this.#previous = this.#following;
    this.#following = following;
    this.relay.follow({ video: following.video, audio: following.audio });
    this.#askKeyFrames(following);
    setTimeout(() => {
      if (this.#previous !== null && this.#following === following) {
        this.#retire(this.#previous);
        this.#previous = null;
      }
    }, RETIRE_AFTER_MS).unref();
    this.#logger.info({ source: source.id, video: following.video !== undefined }, 'following the program');
  }

  /** The source's first audio producer and, when it is of this feed's codec, its first video producer. */
  #producersToFollow(sourceId: string): types.Producer[] {
    const media = this.stage.sourceMedia.find((s) => s.info.id === sourceId);
    const audio = media?.producers.find((p) => p.kind === 'audio');
    const video = media?.producers.find((p) => p.kind === 'video' && codecOf(p) === this.codec);
    return [video, audio].filter((p) => p !== undefined);
  }

  async #consume(sourceId: string, producers: types.Producer[]): Promise<Following> {
    const capabilities: types.RtpCapabilities = {
      codecs: (this.stage.origin.rtpCapabilities.codecs ?? []).map((c) => ({ ...c, rtcpFeedback: [] })),
      headerExtensions: [
        { kind: 'audio', uri: MID_URI, preferredId: MID_EXTENSION_ID, direction: 'sendrecv' },
        { kind: 'video', uri: MID_URI, preferredId: MID_EXTENSION_ID, direction: 'sendrecv' },
      ],
    };
    const following: Following = { sourceId, consumers: [], video: undefined, audio: undefined };
    for (const producer of producers) {
      const consumer = await this.transport.consume({
        producerId: producer.id,
        rtpCapabilities: capabilities,
        mid: FEED_MIDS[producer.kind],
      });
      following.consumers.push(consumer);
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
      const clockRate = consumer.rtpParameters.codecs[0]?.clockRate ?? 90_000;
      following[producer.kind] = { ssrc, kind: producer.kind, clockRate, ...(producer.kind === 'video' ? { codec: this.codec } : {}) };
      consumer.on('producerclose', () => this.relay.forget(ssrc));
    }
    return following;
  }

  /** Asks the new source for a key frame a few times (a request can be lost; the switch waits for one). */
  #askKeyFrames(following: Following): void {
    let asks = 0;
    const ask = (): void => {
      if (this.#closed || this.#following !== following || asks++ >= KEY_FRAME_ASKS) return;
      this.#askKeyFrame();
      setTimeout(ask, KEY_FRAME_ASK_INTERVAL_MS).unref();
    };
    ask();
  }

  #askKeyFrame(): void {
    const video = this.#following?.consumers.find((c) => c.kind === 'video');
    if (video && !video.closed) video.requestKeyFrame().catch(() => undefined);
  }

  #retire(following: Following | null): void {
    for (const consumer of following?.consumers ?? []) {
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc !== undefined) this.relay.forget(ssrc);
      if (!consumer.closed) consumer.close();
    }
  }
}
