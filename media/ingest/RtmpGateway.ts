import net from 'node:net';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { openIngest } from '../ingest';
import type { MediaNode } from '../MediaNode';
import type { EncoderFeedHealth } from '../health/types';
import type { MediaOptions } from '../types';
import type { EncoderSession, EncoderSlots } from './EncoderSlots';
import { FeedSender } from './FeedSender';
import { type EncoderInput, ListenerEncoder } from './ListenerEncoder';

/** The feed a stream key publishes to, as the server's stream keys say; throws to refuse the key. */
export type AuthorizeEncoder = (key: string) => Promise<{ stageKey: string; sourceId: string; label: string; holder: string }>;

export interface RtmpGatewayOptions {
  host: string;
  /** 0: a port from the OS. */
  port: number;
  /** An encoder that reconnects within this long resumes the same source (viewers keep their consumers). */
  reconnectMs: number;
}

interface Feed {
  key: string;
  stageKey: string;
  sourceId: string;
  holder: string;
  sender: FeedSender;
  transports: types.Transport[];
  connection: Connection | null;
  input: EncoderInput | null;
  linger: NodeJS.Timeout | null;
  closed: boolean;
}

/** One encoder's TCP connection, spliced to its own ffmpeg listener. */
class Connection implements EncoderSession {
  readonly protocol = 'rtmp';
  holder = '';
  feed: Feed | null = null;
  readonly startedAtMs = Date.now();
  #closed = false;
  readonly #onClose: (() => void)[] = [];

  constructor(
    readonly socket: net.Socket,
    readonly encoder: ListenerEncoder,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  silentForMs(nowMs: number): number {
    return nowMs - Math.max(this.startedAtMs, this.feed?.sender.lastPacketAtMs ?? 0);
  }

  onClose(listener: () => void): void {
    this.#onClose.push(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.destroy();
    this.encoder.close();
    for (const listener of this.#onClose) listener();
  }
}

async function loopbackPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function connectWithin(port: number, timeoutMs: number): Promise<net.Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/**
 * RTMP ingest at `rtmp://host:RTMP_PORT/live/<stream key>`. Each connection is spliced to an ffmpeg
 * listener of its own on a loopback port (ffmpeg speaks RTMP; this gateway never parses it): ffmpeg
 * names the stream key it was given, the key is checked, and ffmpeg's RTP is forwarded to the stage
 * feed the key names, opened like the RTP ingest's (PlainTransports on the origin router). The feed
 * outlives its connection by `reconnectMs`: an encoder that comes back in time continues the same
 * source, and viewers keep their consumers. A refused key ends the connection.
 */
export class RtmpGateway {
  readonly #feeds = new Map<string, Feed>();
  readonly #connections = new Set<Connection>();
  readonly #logger: Logger;
  #closed = false;

  private constructor(
    private readonly server: net.Server,
    private readonly media: MediaNode,
    private readonly mediaOptions: MediaOptions,
    private readonly slots: EncoderSlots,
    private readonly authorize: AuthorizeEncoder,
    private readonly options: RtmpGatewayOptions,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'RtmpGateway' });
    server.on('connection', (socket) => void this.#accept(socket));
  }

  static async listen(
    media: MediaNode,
    mediaOptions: MediaOptions,
    slots: EncoderSlots,
    authorize: AuthorizeEncoder,
    options: RtmpGatewayOptions,
    logger: Logger,
  ): Promise<RtmpGateway> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    return new RtmpGateway(server, media, mediaOptions, slots, authorize, options, logger);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Ends every connection and feed of a revoked key; answers how many connections there were. */
  endHolder(holder: string): number {
    const feeds = [...this.#feeds.values()].filter((f) => f.holder === holder);
    const connections = feeds.filter((f) => f.connection !== null).length;
    for (const feed of feeds) this.#closeFeed(feed);
    return connections;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of [...this.#connections]) connection.close();
    for (const feed of [...this.#feeds.values()]) this.#closeFeed(feed);
    await new Promise((resolve) => this.server.close(resolve));
  }

  async #accept(socket: net.Socket): Promise<void> {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    let encoder: ListenerEncoder | null = null;
    try {
      const port = await loopbackPort();
      encoder = await ListenerEncoder.rtmp(port);
      const upstream = await connectWithin(port, 5000);
      const connection = new Connection(socket, encoder);
      this.#connections.add(connection);
      upstream.on('error', () => connection.close());
      upstream.on('close', () => connection.close());
      socket.on('close', () => connection.close());
      encoder.on('exit', () => connection.close());
      connection.onClose(() => {
        upstream.destroy();
        this.#connections.delete(connection);
        this.#detach(connection);
      });
      encoder.on('key', (key) => void this.#admit(connection, key));
      encoder.on('input', (input) => {
        if (connection.feed) connection.feed.input = input;
      });
      encoder.on('packet', (kind, packet) => {
        if (connection.feed && connection.feed.connection === connection) connection.feed.sender.send(kind, packet);
      });
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    } catch (error) {
      this.#logger.warn({ err: error }, 'an RTMP connection could not be served');
      encoder?.close();
      socket.destroy();
    }
  }

  /** Checks the key ffmpeg heard and joins the connection to its feed; a refusal ends it. */
  async #admit(connection: Connection, key: string): Promise<void> {
    if (connection.holder !== '') return;
    try {
      const target = await this.authorize(key);
      if (connection.closed) return;
      connection.holder = target.holder;
      const feedKey = `${target.stageKey}#${target.sourceId}`;
      const reservation = this.slots.claim(feedKey);
      try {
        const feed = await this.#feedFor(feedKey, target);
        if (connection.closed) throw new Error('the encoder left');
        if (feed.linger) clearTimeout(feed.linger);
        feed.linger = null;
        feed.holder = target.holder;
        feed.sender.newEpoch();
        feed.input = connection.encoder.input;
        feed.connection = connection;
        connection.feed = feed;
        reservation.fill(connection);
        connection.onClose(() => this.slots.release(feedKey, connection));
        this.#logger.info({ stage: target.stageKey, source: target.sourceId }, 'RTMP encoder admitted');
      } catch (error) {
        reservation.cancel();
        throw error;
      }
    } catch (error) {
      this.#logger.info({ reason: error instanceof Error ? error.message : String(error) }, 'RTMP encoder refused');
      connection.close();
    }
  }

  /** The lingering feed of a reconnecting encoder, or a new one. */
  async #feedFor(feedKey: string, target: { stageKey: string; sourceId: string; label: string; holder: string }): Promise<Feed> {
    const existing = this.#feeds.get(feedKey);
    if (existing && !existing.closed && existing.transports.every((t) => !t.closed)) return existing;
    if (existing) this.#closeFeed(existing);
    const stage = await this.media.stage(target.stageKey);
    // The health reader exists before the feed it reads (the stage takes it when the feed opens).
    const made: { feed?: Feed } = {};
    const measured = { bytes: 0, atMs: Date.now() };
    // Read once per health sample: the bitrate is over the time since the previous one.
    const encoder = (): EncoderFeedHealth | null => {
      const { feed } = made;
      if (!feed) return null;
      const nowMs = Date.now();
      const bytes = feed.sender.bytes;
      const bitrateBps = nowMs > measured.atMs ? Math.round(((bytes - measured.bytes) * 8000) / (nowMs - measured.atMs)) : 0;
      Object.assign(measured, { bytes, atMs: nowMs });
      const input = feed.input;
      return {
        protocol: 'rtmp',
        connected: feed.connection !== null,
        videoCodec: input?.videoCodec ?? null,
        videoProfile: input?.videoProfile ?? null,
        width: input?.width ?? null,
        height: input?.height ?? null,
        audioCodec: input?.audioCodec ?? null,
        bitrateBps,
      };
    };
    const ingestTarget = await stage.openFeed({ id: target.sourceId, label: target.label, encoder }, async (router) => {
      const opened = await openIngest(router, this.mediaOptions, { videoCodec: 'H264', sourceId: target.sourceId });
      return { ...opened, result: opened };
    });
    let sender: FeedSender;
    try {
      sender = await FeedSender.open(ingestTarget.target);
    } catch (error) {
      for (const transport of ingestTarget.transports) transport.close();
      throw error;
    }
    const opened: Feed = {
      key: feedKey,
      stageKey: target.stageKey,
      sourceId: target.sourceId,
      holder: target.holder,
      sender,
      transports: ingestTarget.transports,
      connection: null,
      input: null,
      linger: null,
      closed: false,
    };
    made.feed = opened;
    this.#feeds.set(feedKey, opened);
    // The source replaced (another ingest of the feed) or the stage closed: this feed is over.
    for (const transport of opened.transports) transport.observer.once('close', () => this.#closeFeed(opened));
    return opened;
  }

  /** The connection ended: its feed waits `reconnectMs` for the encoder to come back. */
  #detach(connection: Connection): void {
    const feed = connection.feed;
    if (!feed || feed.closed || feed.connection !== connection) return;
    feed.connection = null;
    feed.linger = setTimeout(() => this.#closeFeed(feed), this.options.reconnectMs);
    feed.linger.unref();
  }

  #closeFeed(feed: Feed): void {
    if (feed.closed) return;
    feed.closed = true;
    if (feed.linger) clearTimeout(feed.linger);
    if (this.#feeds.get(feed.key) === feed) this.#feeds.delete(feed.key);
    feed.connection?.close();
    for (const transport of feed.transports) transport.close();
    feed.sender.close();
  }
}
