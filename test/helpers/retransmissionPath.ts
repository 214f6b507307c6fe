import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import { sendTo } from './mediaPath';
import { type Retransmission, type RtpView, decodeRtx, genericNack, readRtp } from './nack';
import { TRANSPORT_CC_URI, vp8KeyFrame, wideSequenceNumber } from './transportCc';

const SSRC = 0x5eed_0001;
const PAYLOAD_TYPE = 101;
const CLOCK_RATE = 90_000;

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A received retransmission and when it came (ms since the path opened). */
export interface ReceivedRetransmission extends Retransmission {
  atMs: number;
  /** The transport-wide sequence number the worker gave it (undefined without the extension). */
  wideSequenceNumber: number | undefined;
}

/** A first transmission as the viewer received it, with the transport-wide sequence number the worker gave it. */
export interface FirstTransmission extends RtpView {
  wideSequenceNumber: number | undefined;
}

/**
 * A VP8 path through one router, for retransmissions: the test sends packets into a comedia
 * PlainTransport producer; a PlainTransport consumer with NACK and RTX (the router's capabilities)
 * forwards them to the `sink` socket, which plays a viewer: it loses the packets the test chose
 * (`drop`), asks for them with a generic NACK as soon as a later packet shows the gap, and keeps what
 * comes back. Every first transmission is kept too (`firstSent`, lost ones included), so a test can
 * compare a retransmission with the packet the consumer first sent under that number.
 */
export class RetransmissionPath {
  /** The consumer's first transmissions by sequence number (the ones the viewer lost included). */
  readonly firstSent = new Map<number, FirstTransmission>();
  /** Sequence numbers the viewer lost on purpose. */
  readonly lost = new Set<number>();
  readonly retransmissions: ReceivedRetransmission[] = [];
  /** Sequence number of the newest first transmission. */
  newestSeq: number | undefined;
  #dropOffsets = new Set<number>();
  #firstSeq: number | undefined;
  #nackGaps = true;
  #lastHeard: number | undefined;
  #producerSeq = 0;
  #timestamp = 0;
  #pictureId = 0;
  readonly #openedAt = Date.now();

  private constructor(
    readonly router: types.Router,
    readonly feed: types.PlainTransport,
    readonly egress: types.PlainTransport,
    readonly consumer: types.Consumer,
    readonly rtx: { ssrc: number; payloadType: number },
    /** The consumer's transport-wide-cc extension id, if it has one. */
    readonly wideId: number | undefined,
    readonly sender: dgram.Socket,
    readonly sink: dgram.Socket,
  ) {
    sink.on('message', (message) => this.onSinkMessage(message));
  }

  static async open(worker: types.Worker): Promise<RetransmissionPath> {
    const sender = dgram.createSocket('udp4');
    const sink = dgram.createSocket('udp4');
    let router: types.Router | undefined;
    try {
      await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', () => resolve()));
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));
      router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: CLOCK_RATE }] });
      const feed = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
      const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
      const producer = await feed.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: CLOCK_RATE }],
          encodings: [{ ssrc: SSRC }],
        },
      });
      await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
      const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const codecs = consumer.rtpParameters.codecs;
      const rtxCodec = codecs.find((codec) => codec.mimeType.toLowerCase() === 'video/rtx');
      const rtxSsrc = consumer.rtpParameters.encodings?.[0]?.rtx?.ssrc;
      if (!(codecs[0].rtcpFeedback ?? []).some((fb) => fb.type === 'nack' && !fb.parameter)) throw new Error('NACK not negotiated');
      if (!rtxCodec || rtxSsrc === undefined) throw new Error('RTX not negotiated');
      const wideId = consumer.rtpParameters.headerExtensions?.find((extension) => extension.uri === TRANSPORT_CC_URI)?.id;
      const rtx = { ssrc: rtxSsrc, payloadType: rtxCodec.payloadType };
      return new RetransmissionPath(router, feed, egress, consumer, rtx, wideId, sender, sink);
    } catch (error) {
      router?.close();
      sender.close();
      sink.close();
      throw error;
    }
  }

  get consumerSsrc(): number {
    return this.consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
  }

  /** The viewer loses the packets this many places after the first one it receives. */
  dropAfterFirst(offsets: readonly number[]): void {
    for (const offset of offsets) this.#dropOffsets.add(offset);
  }

  /** Whether the viewer NACKs a gap as soon as it sees one (default); off for NACKs the test sends itself. */
  set nackGaps(on: boolean) {
    this.#nackGaps = on;
  }

  /**
   * Sends `count` packets into the producer, `batch` at a time every `intervalMs`, each a VP8 key frame
   * whose picture bytes are random (no two payloads alike); the RTP timestamp advances `mediaMsPerPacket`
   * of media time per packet.
   */
  async send(count: number, options: { batch: number; intervalMs: number; mediaMsPerPacket: number }): Promise<void> {
    for (let sent = 0; sent < count;) {
      for (let i = 0; i < options.batch && sent < count; i += 1, sent += 1) {
        this.#producerSeq = (this.#producerSeq + 1) & 0xffff;
        this.#pictureId = (this.#pictureId + 1) & 0x7fff;
        this.#timestamp = (this.#timestamp + options.mediaMsPerPacket * (CLOCK_RATE / 1000)) >>> 0;
        const packet = vp8KeyFrame({
          ssrc: SSRC,
          payloadType: PAYLOAD_TYPE,
          sequenceNumber: this.#producerSeq,
          timestamp: this.#timestamp,
          pictureId: this.#pictureId,
        });
        randomBytes(200).copy(packet, packet.length - 200); // the picture bytes after the key frame header
        await sendTo(this.sender, this.feed.tuple.localPort, packet);
      }
      await sleep(options.intervalMs);
    }
  }

  /** Sends a generic NACK for `seqs` to the consumer, from the viewer's address. */
  async nack(seqs: readonly number[]): Promise<void> {
    await sendTo(this.sink, this.egress.tuple.localPort, genericNack(this.consumerSsrc, seqs));
  }

  /** Retransmissions received for this sequence number. */
  retransmissionsOf(seq: number): ReceivedRetransmission[] {
    return this.retransmissions.filter((r) => r.originalSequenceNumber === seq);
  }

  private onSinkMessage(message: Buffer): void {
    const rtp = readRtp(message);
    if (!rtp) return;
    const wide = this.wideId === undefined ? undefined : wideSequenceNumber(message, this.wideId);
    if (rtp.ssrc === this.rtx.ssrc && rtp.payloadType === this.rtx.payloadType) {
      const decoded = decodeRtx(rtp);
      if (decoded) {
        const atMs = Date.now() - this.#openedAt;
        this.retransmissions.push({ ...decoded, payload: Buffer.from(decoded.payload), atMs, wideSequenceNumber: wide });
      }
      return;
    }
    if (rtp.ssrc !== this.consumerSsrc) return;
    const seq = rtp.sequenceNumber;
    this.#firstSeq ??= seq;
    this.firstSent.set(seq, { ...rtp, payload: Buffer.from(rtp.payload), wideSequenceNumber: wide });
    this.newestSeq = seq;
    if (this.#dropOffsets.has((seq - this.#firstSeq) & 0xffff)) {
      this.lost.add(seq);
      return;
    }
    const previous = this.#lastHeard;
    this.#lastHeard = seq;
    if (!this.#nackGaps || previous === undefined) return;
    const gap: number[] = [];
    for (let missing = (previous + 1) & 0xffff; missing !== seq && gap.length < 100; missing = (missing + 1) & 0xffff) {
      if (this.lost.has(missing)) gap.push(missing);
    }
    if (gap.length > 0) void this.nack(gap).catch(() => undefined);
  }

  close(): void {
    this.sender.close();
    this.sink.close();
    this.router.close();
  }
}
