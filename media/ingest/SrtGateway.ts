import dgram from 'node:dgram';
import type { Logger } from 'pino';
import { EncoderConnection, type EncoderFeeds } from './EncoderFeeds';
import { ListenerEncoder } from './ListenerEncoder';
import type { ListenAddress } from './RtmpGateway';

/** Callers served at once; beyond, new ones are ignored until one leaves. */
const MAX_CALLERS = 64;
/** A caller not heard for this long is forgotten (SRT keepalives come every second). */
const CALLER_IDLE_MS = 10_000;
/** A caller whose key was refused is ignored for this long (it retries its handshake meanwhile). */
const REFUSED_FOR_MS = 10_000;
/** A caller that has not sent its stream id by then is dropped (it holds an ffmpeg). */
const KEY_DEADLINE_MS = 10_000;
/** Packets kept for a caller while its ffmpeg starts. */
const MAX_QUEUED = 64;

/**
 * The stream id an SRT caller sends in its conclusion handshake (SRT's SID extension, type 5), or null
 * for every other packet. Each 32-bit word of the id is written least significant byte first. The
 * access-control form `#!::r=<key>,m=publish` gives its `r`.
 */
export function srtStreamId(packet: Buffer): string | null {
  if (packet.length < 64 || packet.readUInt16BE(0) !== 0x8000) return null;
  if (packet.readUInt32BE(36) !== 0xffffffff) return null;
  let offset = 64;
  while (offset + 4 <= packet.length) {
    const type = packet.readUInt16BE(offset);
    const bytes = packet.readUInt16BE(offset + 2) * 4;
    const start = offset + 4;
    if (start + bytes > packet.length) return null;
    if (type === 5) {
      const text = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i += 4) for (let j = 0; j < 4; j++) text[i + j] = packet[start + i + 3 - j] ?? 0;
      const id = text.toString('latin1').replace(/\0+$/, '');
      const resource = /^#!::(?:.*,)?r=([^,]*)/.exec(id);
      return resource ? (resource[1] ?? '') : id;
    }
    offset = start + bytes;
  }
  return null;
}

interface Caller {
  address: string;
  port: number;
  lastSeenMs: number;
  upstream: dgram.Socket | null;
  ffmpegPort: number;
  queue: Buffer[];
  connection: EncoderConnection | null;
  keyHeard: boolean;
  refusedUntilMs: number;
}

async function bindLoopback(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

/**
 * SRT ingest at `srt://host:SRT_PORT?streamid=<stream key>` (listener mode, MPEG-TS inside, optional
 * passphrase). SRT is UDP: each caller (address and port) gets an ffmpeg listener of its own on a
 * loopback port, and this gateway relays datagrams both ways. It reads one thing of SRT, the stream id
 * in the caller's conclusion handshake, to check the key before the media goes anywhere.
 */
export class SrtGateway {
  readonly #callers = new Map<string, Caller>();
  readonly #logger: Logger;
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly feeds: EncoderFeeds,
    private readonly passphrase: string,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'SrtGateway' });
    socket.on('message', (packet, from) => this.#receive(packet, from));
    this.#sweeper = setInterval(() => this.#sweep(), 1000);
    this.#sweeper.unref();
  }

  static async listen(feeds: EncoderFeeds, address: ListenAddress, passphrase: string, logger: Logger): Promise<SrtGateway> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(address.port, address.host, () => resolve());
    });
    socket.on('error', () => undefined);
    return new SrtGateway(socket, feeds, passphrase, logger);
  }

  get port(): number {
    return this.socket.address().port;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const caller of [...this.#callers.values()]) this.#forget(caller);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  #receive(packet: Buffer, from: dgram.RemoteInfo): void {
    if (this.#closed) return;
    const id = `${from.address}:${from.port}`;
    const nowMs = Date.now();
    let caller = this.#callers.get(id);
    if (!caller) {
      if (this.#callers.size >= MAX_CALLERS) return;
      caller = {
        address: from.address,
        port: from.port,
        lastSeenMs: nowMs,
        upstream: null,
        ffmpegPort: 0,
        queue: [],
        connection: null,
        keyHeard: false,
        refusedUntilMs: 0,
      };
      this.#callers.set(id, caller);
      void this.#start(caller);
    }
    caller.lastSeenMs = nowMs;
    if (caller.refusedUntilMs > nowMs) return;
    if (!caller.keyHeard) {
      const key = srtStreamId(packet);
      const connection = caller.connection;
      if (key !== null && connection) {
        caller.keyHeard = true;
        // The stream id comes in the handshake, before encryption is agreed: the key is checked once
        // ffmpeg reads the stream, so a caller without the passphrase opens nothing on the stage.
        connection.encoder.once('input', () => void this.feeds.admit(connection, key));
      }
    }
    if (caller.upstream) caller.upstream.send(packet, caller.ffmpegPort, '127.0.0.1');
    else if (caller.queue.length < MAX_QUEUED) caller.queue.push(packet);
  }

  async #start(caller: Caller): Promise<void> {
    try {
      const probe = await bindLoopback();
      const ffmpegPort = probe.address().port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const encoder = await ListenerEncoder.srt(ffmpegPort, this.passphrase);
      const upstream = await bindLoopback();
      const connection = new EncoderConnection('srt', encoder);
      connection.onClose(() => {
        // A refused or ended caller: its retries are ignored for a while rather than starting ffmpeg again.
        caller.refusedUntilMs = Math.max(
          caller.refusedUntilMs,
          Date.now() + (caller.keyHeard && connection.feed === null ? REFUSED_FOR_MS : 0),
        );
        this.#forget(caller, false);
      });
      upstream.on('message', (packet) => this.socket.send(packet, caller.port, caller.address));
      caller.connection = connection;
      caller.ffmpegPort = ffmpegPort;
      if (this.#closed || this.#callers.get(`${caller.address}:${caller.port}`) !== caller) {
        connection.close();
        upstream.close();
        return;
      }
      caller.upstream = upstream;
      // ffmpeg may not listen yet: SRT callers repeat their handshake until it answers.
      for (const packet of caller.queue.splice(0)) upstream.send(packet, ffmpegPort, '127.0.0.1');
    } catch (error) {
      this.#logger.warn({ err: error }, 'an SRT caller could not be served');
      this.#forget(caller);
    }
  }

  #sweep(): void {
    const nowMs = Date.now();
    for (const caller of [...this.#callers.values()]) {
      const quietMs = nowMs - caller.lastSeenMs;
      if (quietMs > CALLER_IDLE_MS && caller.refusedUntilMs <= nowMs) this.#forget(caller);
      else if (!caller.keyHeard && caller.connection && nowMs - caller.connection.startedAtMs > KEY_DEADLINE_MS) {
        // No handshake with a stream id by now (it holds an ffmpeg): ignored for a while, like a refused key.
        caller.refusedUntilMs = nowMs + REFUSED_FOR_MS;
        this.#forget(caller, false);
      }
    }
  }

  /** Ends a caller's ffmpeg and relay; `remove` false keeps its entry (a refused caller's memory). */
  #forget(caller: Caller, remove = true): void {
    const connection = caller.connection;
    caller.connection = null;
    connection?.close();
    try {
      caller.upstream?.close();
    } catch {
      // Closed already.
    }
    caller.upstream = null;
    if (remove || caller.refusedUntilMs <= Date.now()) {
      const id = `${caller.address}:${caller.port}`;
      if (this.#callers.get(id) === caller) this.#callers.delete(id);
    }
  }
}
