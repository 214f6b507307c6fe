import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { startsKeyFrame, type VideoCodecName } from './keyframes';

/** One consumer's RTP as it reaches the relay. */
export interface InboundStream {
  ssrc: number;
  kind: 'audio' | 'video';
  /** Video only: what a key frame looks like. */
  codec?: VideoCodecName;
  clockRate: number;
  /** An interpretation channel's stream (its language): relayed as that channel, never as the program's sound. */
  channel?: string;
}

/** Where the relay sends each kind: the encoder's RTP ports on loopback. */
export interface RelayTargets {
  video: number;
  audio: number;
  /** Each interpretation channel's port, by language (see `channels`). */
  channels?: ReadonlyMap<string, number>;
}

/** Opus "silence" (TOC: 20 ms CELT frame, no energy): keeps the audio timeline going when no source has sound. */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const SILENCE_INTERVAL_MS = 20;
const OPUS_CLOCK = 48_000;
/**
 * A channel whose live interpreter has sent nothing for this long is filled with silence: a handover,
 * or an interpreter's network dropping, must not starve the encoder, which mixes each channel with the
 * floor and would wait for it.
 */
const CHANNEL_QUIET_MS = 200;

interface OutStream {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  started: boolean;
  seqOffset: number;
  tsOffset: number;
  lastSeq: number;
  lastTimestamp: number;
  lastWallMs: number;
  /** The previous packet as it arrived (before rewriting): a jump from it is a restarted sender. */
  lastIn: { seq: number; timestamp: number; wallMs: number } | null;
}

/** One interpretation channel's continuous stream: the live interpreter's sound, else silence. */
interface ChannelOut {
  out: OutStream;
  /** The live interpreter's consumer (SSRC); null while the booth is empty. */
  active: number | null;
  /** When its last packet was relayed (ms). */
  lastMs: number;
}

function outStream(payloadType: number, clockRate: number): OutStream {
  return {
    ssrc: randomInt(1, 0x7fffffff),
    payloadType,
    clockRate,
    started: false,
    seqOffset: 0,
    tsOffset: 0,
    lastSeq: 0,
    lastTimestamp: 0,
    lastWallMs: 0,
    lastIn: null,
  };
}

/** A sequence number this far from the previous one is no reordering: the sender restarted. */
const SEQ_JUMP = 3000;
/** Timestamps that move this much more (or less) than the wall clock: the sender restarted. */
const CLOCK_JUMP_MS = 2000;

/** Whether a packet continues the stream `lastIn` belongs to, or starts another timeline (an encoder restarted with the same SSRC). */
function continues(lastIn: OutStream['lastIn'], seq: number, timestamp: number, clockRate: number, now: number): boolean {
  if (lastIn === null) return false;
  const seqStep = ((seq - lastIn.seq + 0x8000) & 0xffff) - 0x8000;
  const mediaMs = (((timestamp - lastIn.timestamp) | 0) / clockRate) * 1000;
  return Math.abs(seqStep) < SEQ_JUMP && Math.abs(mediaMs - (now - lastIn.wallMs)) < CLOCK_JUMP_MS;
}

/**
 * Turns the program's consumers into one continuous RTP stream per kind for the HLS encoder, through
 * every program switch: one SSRC, sequence numbers without a jump, timestamps that advance with the
 * wall clock across the switch. The new source's video takes over at its first key frame (the old one
 * plays until then, so the encoder never sees a frame it cannot decode), and its sound with it. While
 * no source has sound, Opus silence keeps the audio timeline going.
 *
 * Each interpretation channel is one more continuous audio stream, made the same way from whichever
 * interpreter of the booth is live (a handover to the partner is a switch like the program's), and
 * silence while nobody is. Channel streams start with the program's, so the encoder, which counts each
 * RTP stream's time from its first packet, sees them all on one timeline.
 */
export class ProgramRelay {
  readonly #socket = dgram.createSocket('udp4');
  readonly #inbound = new Map<number, InboundStream>();
  readonly #out: Record<'audio' | 'video', OutStream>;
  /** The SSRC whose packets go out, per kind; null: none (audio: silence). */
  #active: Record<'audio' | 'video', number | null> = { audio: null, video: null };
  /** Streams waiting for the video's next key frame to take over. */
  #next: { video: number | null; audio: number | null } | null = null;
  #silence: NodeJS.Timeout | null = null;
  readonly #channels = new Map<string, ChannelOut>();
  readonly #audioPayloadType: number;
  #packetsOut = 0;
  #closed = false;

  #targets: RelayTargets;

  private constructor(targets: RelayTargets, payloadTypes: { video: number; audio: number }) {
    this.#targets = { ...targets };
    this.#audioPayloadType = payloadTypes.audio;
    this.#out = { video: outStream(payloadTypes.video, 90_000), audio: outStream(payloadTypes.audio, OPUS_CLOCK) };
    this.#socket.on('message', (packet) => this.#onPacket(packet));
    // A send to an encoder that is restarting fails with ECONNREFUSED: the packet is simply lost.
    this.#socket.on('error', () => undefined);
  }

  /** Binds a loopback port for the consumers to send to. */
  static async open(targets: RelayTargets, payloadTypes: { video: number; audio: number }): Promise<ProgramRelay> {
    const relay = new ProgramRelay(targets, payloadTypes);
    await new Promise<void>((resolve, reject) => {
      relay.#socket.once('error', reject);
      relay.#socket.bind(0, '127.0.0.1', () => {
        relay.#socket.off('error', reject);
        resolve();
      });
    });
    relay.#silence = setInterval(() => this.#fillSilence(relay), SILENCE_INTERVAL_MS);
    return relay;
  }

  static #fillSilence(relay: ProgramRelay): void {
    if (!relay.#out.video.started) return;
    if (relay.#active.audio === null) relay.#sendSilence(relay.#out.audio, relay.#targets.audio);
    const now = Date.now();
    for (const [language, channel] of relay.#channels) {
      if (channel.active !== null && now - channel.lastMs < CHANNEL_QUIET_MS) continue;
      const port = relay.#targets.channels?.get(language);
      if (port !== undefined) relay.#sendSilence(channel.out, port);
    }
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** Packets sent to the encoder so far (ops, tests). */
  get packetsOut(): number {
    return this.#packetsOut;
  }

  /** Where the encoder listens; changes when it is restarted on other ports. */
  retarget(targets: RelayTargets): void {
    this.#targets = { ...targets };
  }

  /**
   * The streams of the new program. Video switches at its first key frame (ask the consumer for one);
   * with no video, the sound switches at once.
   */
  follow(streams: { video?: InboundStream; audio?: InboundStream }): void {
    for (const stream of [streams.video, streams.audio]) if (stream) this.#inbound.set(stream.ssrc, stream);
    const next = { video: streams.video?.ssrc ?? null, audio: streams.audio?.ssrc ?? null };
    if (next.video === null) {
      this.#active = next;
      this.#next = null;
      this.#rebase('audio');
    } else {
      this.#next = next;
    }
  }

  /** Forgets a consumer that closed; its kind goes quiet (audio: silence) if it was on air. */
  forget(ssrc: number): void {
    this.#inbound.delete(ssrc);
    if (this.#active.video === ssrc) this.#active.video = null;
    if (this.#active.audio === ssrc) this.#active.audio = null;
    for (const channel of this.#channels.values()) if (channel.active === ssrc) channel.active = null;
  }

  /** The channels relayed from now on (a new one starts with silence; one no longer listed stops). */
  setChannels(languages: readonly string[]): void {
    for (const language of [...this.#channels.keys()]) if (!languages.includes(language)) this.#channels.delete(language);
    for (const language of languages)
      if (!this.#channels.has(language))
        this.#channels.set(language, { out: outStream(this.#audioPayloadType, OPUS_CLOCK), active: null, lastMs: 0 });
  }

  /** The live interpreter of a channel (null: nobody; silence). It is heard from its next packet on, without a seam. */
  followChannel(language: string, stream: InboundStream | null): void {
    const channel = this.#channels.get(language);
    if (!channel) return;
    if (stream) this.#inbound.set(stream.ssrc, { ...stream, channel: language });
    channel.active = stream?.ssrc ?? null;
    channel.out.lastIn = null;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#silence) clearInterval(this.#silence);
    this.#socket.close();
  }

  #onPacket(packet: Buffer): void {
    // RTP version 2, and not RTCP (payload types 200–204 with the marker bit are RTCP packet types).
    if (packet.length < 12 || packet[0] >> 6 !== 2 || (packet[1] >= 200 && packet[1] <= 204)) return;
    const ssrc = packet.readUInt32BE(8);
    const stream = this.#inbound.get(ssrc);
    if (!stream) return;
    if (stream.channel !== undefined) {
      const channel = this.#channels.get(stream.channel);
      const port = this.#targets.channels?.get(stream.channel);
      if (channel?.active !== ssrc || port === undefined) return;
      channel.lastMs = Date.now();
      this.#forward(channel.out, port, packet);
      return;
    }
    if (this.#next !== null && ssrc === this.#next.video && stream.codec && startsKeyFrame(stream.codec, payloadOf(packet))) {
      this.#active = this.#next;
      this.#next = null;
      this.#rebase('video');
      this.#rebase('audio');
    }
    if (this.#active[stream.kind] !== ssrc) return;
    this.#forward(this.#out[stream.kind], this.#targets[stream.kind], packet);
  }

  /** The next packet of this kind starts a new segment of its timeline: computed on its arrival. */
  #rebase(kind: 'audio' | 'video'): void {
    this.#out[kind].lastIn = null;
  }

  #forward(out: OutStream, port: number, packet: Buffer): void {
    const now = Date.now();
    const seq = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    if (!continues(out.lastIn, seq, timestamp, out.clockRate, now)) {
      const nextSeq = out.started ? (out.lastSeq + 1) & 0xffff : seq;
      const nextTimestamp = out.started ? out.lastTimestamp + Math.round(((now - out.lastWallMs) * out.clockRate) / 1000) : timestamp;
      out.seqOffset = (nextSeq - seq) & 0xffff;
      out.tsOffset = (nextTimestamp - timestamp) >>> 0;
      out.started = true;
    }
    out.lastIn = { seq, timestamp, wallMs: now };
    const rewritten = Buffer.from(packet);
    rewritten[1] = (packet[1] & 0x80) | out.payloadType;
    const outSeq = (seq + out.seqOffset) & 0xffff;
    const outTimestamp = (timestamp + out.tsOffset) >>> 0;
    rewritten.writeUInt16BE(outSeq, 2);
    rewritten.writeUInt32BE(outTimestamp, 4);
    rewritten.writeUInt32BE(out.ssrc, 8);
    // Later packets of one frame share its timestamp; only a newer one moves the clock.
    if (((outSeq - out.lastSeq) & 0xffff) < 0x8000) out.lastSeq = outSeq;
    if (outTimestamp !== out.lastTimestamp) {
      out.lastTimestamp = outTimestamp;
      out.lastWallMs = now;
    }
    this.#send(port, rewritten);
  }

  #sendSilence(out: OutStream, port: number): void {
    const now = Date.now();
    // Whatever is relayed after the silence continues from it.
    out.lastIn = null;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = out.payloadType;
    out.lastSeq = out.started ? (out.lastSeq + 1) & 0xffff : randomInt(0, 0xffff);
    out.lastTimestamp = out.started
      ? (out.lastTimestamp + Math.round(((now - out.lastWallMs) * OPUS_CLOCK) / 1000)) >>> 0
      : randomInt(0, 0x7fffffff);
    out.lastWallMs = now;
    out.started = true;
    header.writeUInt16BE(out.lastSeq, 2);
    header.writeUInt32BE(out.lastTimestamp, 4);
    header.writeUInt32BE(out.ssrc, 8);
    this.#send(port, Buffer.concat([header, OPUS_SILENCE]));
  }

  #send(port: number, packet: Buffer): void {
    if (this.#closed) return;
    this.#packetsOut += 1;
    this.#socket.send(packet, port, '127.0.0.1');
  }
}

/** The payload of an RTP packet: after the fixed header, CSRCs and the header extension. */
function payloadOf(packet: Buffer): Buffer {
  let offset = 12 + (packet[0] & 0x0f) * 4;
  if (packet[0] & 0x10 && packet.length >= offset + 4) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  const padding = packet[0] & 0x20 ? packet[packet.length - 1] : 0;
  return packet.subarray(Math.min(offset, packet.length), Math.max(offset, packet.length - padding));
}
