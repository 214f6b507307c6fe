import dgram from 'node:dgram';
import type { IngestTarget, RtpTarget } from '../ingest';
import type { MediaKind } from '../types';

interface Timeline {
  target: RtpTarget;
  socket: dgram.Socket;
  /** Added to the encoder's sequence numbers and timestamps in the current epoch. */
  seqOffset: number;
  tsOffset: number;
  /** The current epoch has seen its first packet (offsets are set). */
  anchored: boolean;
  last: { seq: number; ts: number; atMs: number } | null;
}

/** RTP version 2, and not RTCP (payload types 72–76 with the marker bit are RTCP's 200–204). */
function isRtp(packet: Buffer): boolean {
  if (packet.length < 12 || packet[0] === undefined || packet[0] >> 6 !== 2) return false;
  const pt = (packet[1] ?? 0) & 0x7f;
  return pt < 72 || pt > 76;
}

/**
 * Sends a feed's RTP to its PlainTransports from two sockets of its own, so the transports (comedia)
 * keep the same sender whichever encoder process feeds it. Each encoder connection is an epoch: its
 * packets get the feed's SSRC and payload type, and sequence numbers and timestamps that continue the
 * previous epoch's (timestamps advanced by the wall time in between). A restarted encoder is then, to
 * the producers and every viewer's consumer, the same stream after a gap: nobody renegotiates, and
 * frames come back at the encoder's first key frame.
 */
export class FeedSender {
  readonly #timelines: Record<MediaKind, Timeline>;
  #bytes = 0;
  #lastPacketAtMs = 0;
  #closed = false;

  private constructor(
    private readonly ip: string,
    video: dgram.Socket,
    audio: dgram.Socket,
    target: IngestTarget,
  ) {
    const timeline = (socket: dgram.Socket, rtp: RtpTarget): Timeline => ({
      target: rtp,
      socket,
      seqOffset: 0,
      tsOffset: 0,
      anchored: false,
      last: null,
    });
    this.#timelines = { video: timeline(video, target.video), audio: timeline(audio, target.audio) };
  }

  static async open(target: IngestTarget): Promise<FeedSender> {
    const bind = (): Promise<dgram.Socket> =>
      new Promise((resolve, reject) => {
        const socket = dgram.createSocket('udp4');
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve(socket));
      });
    const [video, audio] = await Promise.all([bind(), bind()]);
    return new FeedSender(target.ip, video, audio, target);
  }

  /** A new encoder connection: its first packet continues the timeline. */
  newEpoch(): void {
    for (const timeline of Object.values(this.#timelines)) timeline.anchored = false;
  }

  /** Bytes of RTP sent, and when the last packet went: liveness and bitrate for health. */
  get bytes(): number {
    return this.#bytes;
  }

  get lastPacketAtMs(): number {
    return this.#lastPacketAtMs;
  }

  send(kind: MediaKind, packet: Buffer, nowMs = Date.now()): void {
    if (this.#closed || !isRtp(packet)) return;
    const timeline = this.#timelines[kind];
    const seq = packet.readUInt16BE(2);
    const ts = packet.readUInt32BE(4);
    if (!timeline.anchored) {
      const last = timeline.last;
      const clock = timeline.target.clockRate / 1000;
      timeline.seqOffset = last ? (last.seq + 1 - seq) & 0xffff : 0;
      timeline.tsOffset = last ? (last.ts + Math.max(1, Math.round((nowMs - last.atMs) * clock)) - ts) >>> 0 : 0;
      timeline.anchored = true;
    }
    const out = Buffer.from(packet);
    out[1] = ((packet[1] ?? 0) & 0x80) | timeline.target.payloadType;
    const outSeq = (seq + timeline.seqOffset) & 0xffff;
    const outTs = (ts + timeline.tsOffset) >>> 0;
    out.writeUInt16BE(outSeq, 2);
    out.writeUInt32BE(outTs, 4);
    out.writeUInt32BE(timeline.target.ssrc >>> 0, 8);
    timeline.last = { seq: outSeq, ts: outTs, atMs: nowMs };
    this.#bytes += out.length;
    this.#lastPacketAtMs = nowMs;
    timeline.socket.send(out, timeline.target.port, this.ip);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timeline of Object.values(this.#timelines)) timeline.socket.close();
  }
}
