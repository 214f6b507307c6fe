import dgram from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { waitForExit } from '../../media/processExit';
import { type PortRange, reservePortRange } from '../../scripts/lib/ports';
import { TRANSPORT_CC_URI, transportCcFeedbacksIn, vp8KeyFrame, wideSequenceNumber } from './transportCc';

/** A bare mediasoup worker (the binary `MEDIASOUP_WORKER_BIN` names, if set) that records its death. */
export class WorkerUnderTest {
  readonly deaths: Error[] = [];

  private constructor(
    readonly worker: types.Worker,
    private readonly ports: PortRange,
  ) {
    worker.on('died', (error: Error) => this.deaths.push(error));
  }

  /** A worker with `ports` RTC ports of a range reserved for it (outside the ephemeral range, see ports.ts). */
  static async start(ports = 10): Promise<WorkerUnderTest> {
    const range = reservePortRange(ports);
    try {
      return new WorkerUnderTest(await mediasoup.createWorker({ logLevel: 'none', rtcMinPort: range.min, rtcMaxPort: range.max }), range);
    } catch (error) {
      range.release();
      throw error;
    }
  }

  /** Closes the worker and waits for its process to be gone (SIGKILL after 3 s); then its ports are free. */
  async close(): Promise<void> {
    this.worker.close();
    try {
      await waitForExit([this.worker.pid], 3000);
    } finally {
      this.ports.release();
    }
  }
}

async function udpSocket(onMessage: (message: Buffer) => void): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', onMessage);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

export async function sendTo(socket: dgram.Socket, port: number, packet: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => socket.send(packet, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
}

const SSRC = 0x11223344;
const PAYLOAD_TYPE = 101;
const PRODUCER_WIDE_ID = 5;

/**
 * A VP8 path through one router: the test sends key frames into a comedia PlainTransport producer
 * (`feed`, from the `sender` socket); a PlainTransport consumer with transport-cc negotiated forwards
 * them to the `sink` socket, which records their transport-wide sequence numbers and can answer with
 * RTCP. With `producerTransportCc`, the feed carries transport-wide sequence numbers too and the worker
 * answers it with transport-cc feedback, collected in `feedbacks`.
 */
export class VideoPath {
  /** Transport-wide sequence numbers of the packets the sink received (media and probation), in arrival order. */
  readonly wideSeqs: number[] = [];
  /** Transport-cc feedback packets the worker sent to the sender. */
  readonly feedbacks: Buffer[] = [];
  /** Media packets (the consumer's SSRC) the sink received. */
  sinkPackets = 0;
  #rtpSeq = 0;
  #pictureId = 0;
  #timer: NodeJS.Timeout | undefined;
  #consumerWideId = 0;
  #consumerSsrc = 0;

  private constructor(
    readonly router: types.Router,
    readonly feed: types.PlainTransport,
    readonly egress: types.PlainTransport,
    readonly sender: dgram.Socket,
    readonly sink: dgram.Socket,
  ) {}

  static async open(worker: types.Worker, options: { producerTransportCc: boolean }): Promise<VideoPath> {
    const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
    const feed = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
    const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
    const holder: { path?: VideoPath } = {};
    const sender = await udpSocket((message) => holder.path?.feedbacks.push(...transportCcFeedbacksIn(message)));
    const sink = await udpSocket((message) => holder.path?.onSinkMessage(message));
    const path = new VideoPath(router, feed, egress, sender, sink);
    holder.path = path;
    try {
      const tcc = options.producerTransportCc;
      const producer = await feed.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            { mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: tcc ? [{ type: 'transport-cc' }] : [] },
          ],
          headerExtensions: tcc ? [{ uri: TRANSPORT_CC_URI, id: PRODUCER_WIDE_ID }] : [],
          encodings: [{ ssrc: SSRC }],
        },
      });
      await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
      const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const extension = consumer.rtpParameters.headerExtensions?.find((e) => e.uri === TRANSPORT_CC_URI);
      const feedback = consumer.rtpParameters.codecs[0].rtcpFeedback ?? [];
      if (!extension || !feedback.some((f) => f.type === 'transport-cc')) throw new Error('transport-cc not negotiated on the consumer');
      path.#consumerWideId = extension.id;
      path.#consumerSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
      return path;
    } catch (error) {
      path.close();
      throw error;
    }
  }

  /** The consumer transport's remote port, where RTCP for it must come from: the sink's. */
  get sinkPort(): number {
    return this.sink.address().port;
  }

  /** Sends one key frame into the producer (with a transport-wide sequence number when given). */
  async sendFrame(wideSequenceNumber?: number): Promise<void> {
    this.#rtpSeq += 1;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    const packet = vp8KeyFrame({
      ssrc: SSRC,
      payloadType: PAYLOAD_TYPE,
      sequenceNumber: this.#rtpSeq,
      timestamp: this.#rtpSeq * 3000,
      pictureId: this.#pictureId,
      wide: wideSequenceNumber === undefined ? undefined : { id: PRODUCER_WIDE_ID, sequenceNumber: wideSequenceNumber },
    });
    await sendTo(this.sender, this.feed.tuple.localPort, packet);
  }

  /** Keeps sending a key frame every `intervalMs` until close(). */
  flow(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.sendFrame().catch(() => undefined), intervalMs);
  }

  /** Sends RTCP to the consumer transport from the sink (the address it is connected to). */
  async sendToConsumer(rtcp: Buffer): Promise<void> {
    await sendTo(this.sink, this.egress.tuple.localPort, rtcp);
  }

  private onSinkMessage(message: Buffer): void {
    if (message.length < 12 || message[0] >> 6 !== 2) return;
    if (message[1] >= 192 && message[1] <= 223) return; // RTCP
    if (message.readUInt32BE(8) === this.#consumerSsrc) this.sinkPackets += 1;
    const wide = wideSequenceNumber(message, this.#consumerWideId);
    if (wide !== undefined) this.wideSeqs.push(wide);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.sender.close();
    this.sink.close();
    this.router.close();
  }
}
