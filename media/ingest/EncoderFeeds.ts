import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { EncoderFeedHealth } from '../health/types';
import { openIngest } from '../ingest';
import type { MediaNode } from '../MediaNode';
import type { MediaOptions } from '../types';
import type { EncoderSession, EncoderSlots } from './EncoderSlots';
import { FeedSender } from './FeedSender';
import type { EncoderInput, ListenerEncoder } from './ListenerEncoder';

/** The feed a stream key publishes to, as the server's stream keys say; throws to refuse the key. */
export type AuthorizeEncoder = (key: string) => Promise<FeedTarget>;

export interface FeedTarget {
  stageKey: string;
  sourceId: string;
  label: string;
  holder: string;
}

interface Feed extends FeedTarget {
  key: string;
  protocol: 'rtmp' | 'srt';
  sender: FeedSender;
  transports: types.Transport[];
  connection: EncoderConnection | null;
  input: EncoderInput | null;
  linger: NodeJS.Timeout | null;
  closed: boolean;
}

/** One encoder connection served by its own ffmpeg listener, whatever carries it (a TCP splice, a UDP relay). */
export class EncoderConnection implements EncoderSession {
  holder = '';
  feed: Feed | null = null;
  readonly startedAtMs = Date.now();
  #closed = false;
  readonly #onClose: (() => void)[] = [];

  constructor(
    readonly protocol: 'rtmp' | 'srt',
    readonly encoder: ListenerEncoder,
  ) {
    encoder.on('exit', () => this.close());
    encoder.on('input', (input) => {
      if (this.feed) this.feed.input = input;
    });
    encoder.on('packet', (kind, packet) => {
      if (this.feed && this.feed.connection === this) this.feed.sender.send(kind, packet);
    });
  }

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
    this.encoder.close();
    for (const listener of this.#onClose) listener();
  }
}

/**
 * The stage feeds encoders publish through the RTMP and SRT gateways. A connection whose stream key
 * checks out is joined to the feed the key names, opened like the RTP ingest's (PlainTransports on the
 * origin router) and fed through a FeedSender. The feed outlives its connection by `reconnectMs`: an
 * encoder that comes back in time continues the same source, and viewers keep their consumers.
 */
export class EncoderFeeds {
  readonly #feeds = new Map<string, Feed>();
  readonly #logger: Logger;

  constructor(
    private readonly media: MediaNode,
    private readonly mediaOptions: MediaOptions,
    private readonly slots: EncoderSlots,
    private readonly authorize: AuthorizeEncoder,
    private readonly reconnectMs: number,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'EncoderFeeds' });
  }

  /** Checks the key the encoder gave and joins the connection to its feed; a refusal ends the connection. */
  async admit(connection: EncoderConnection, key: string): Promise<void> {
    if (connection.holder !== '') return;
    try {
      const target = await this.authorize(key);
      if (connection.closed) return;
      connection.holder = target.holder;
      const feedKey = `${target.stageKey}#${target.sourceId}`;
      const reservation = this.slots.claim(feedKey);
      try {
        const feed = await this.#feedFor(feedKey, target, connection.protocol);
        if (connection.closed) throw new Error('the encoder left');
        if (feed.linger) clearTimeout(feed.linger);
        feed.linger = null;
        feed.holder = target.holder;
        feed.protocol = connection.protocol;
        feed.sender.newEpoch();
        feed.input = connection.encoder.input;
        feed.connection = connection;
        connection.feed = feed;
        reservation.fill(connection);
        connection.onClose(() => {
          this.slots.release(feedKey, connection);
          this.#detach(connection);
        });
        this.#logger.info({ stage: target.stageKey, source: target.sourceId, protocol: connection.protocol }, 'encoder admitted');
      } catch (error) {
        reservation.cancel();
        throw error;
      }
    } catch (error) {
      this.#logger.info(
        { protocol: connection.protocol, reason: error instanceof Error ? error.message : String(error) },
        'encoder refused',
      );
      connection.close();
    }
  }

  /** Ends every connection and feed of a revoked key; answers how many connections there were. */
  endHolder(holder: string): number {
    const feeds = [...this.#feeds.values()].filter((f) => f.holder === holder);
    const connections = feeds.filter((f) => f.connection !== null).length;
    for (const feed of feeds) this.#closeFeed(feed);
    return connections;
  }

  close(): void {
    for (const feed of [...this.#feeds.values()]) this.#closeFeed(feed);
  }

  /** The lingering feed of a reconnecting encoder, or a new one. */
  async #feedFor(feedKey: string, target: FeedTarget, protocol: 'rtmp' | 'srt'): Promise<Feed> {
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
        protocol: feed.protocol,
        connected: feed.connection !== null,
        videoCodec: input?.videoCodec ?? null,
        videoProfile: input?.videoProfile ?? null,
        width: input?.width ?? null,
        height: input?.height ?? null,
        audioCodec: input?.audioCodec ?? null,
        transcoding: input?.transcoded ?? false,
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
      ...target,
      key: feedKey,
      protocol,
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
  #detach(connection: EncoderConnection): void {
    const feed = connection.feed;
    if (!feed || feed.closed || feed.connection !== connection) return;
    feed.connection = null;
    feed.linger = setTimeout(() => this.#closeFeed(feed), this.reconnectMs);
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
