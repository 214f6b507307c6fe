import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { StageMedia } from '../StageMedia';
import type { ProgramRelay } from './ProgramRelay';

interface ChannelFeed {
  producerId: string;
  consumer: types.Consumer;
  ssrc: number;
}

/**
 * The interpretation channels' sound for a stage's HLS stream: per channel, a consumer of the live
 * interpreter's microphone on the egress transport, handed to the relay, which makes one continuous
 * stream of it. The booth decides who is live (LanguageBooths gates the producers at the origin); a
 * handover to the partner is a consumer of the partner's microphone and the relay's switch to it, with
 * no seam in the stream. A channel whose booth is empty is silence (the relay's).
 */
export class ChannelFeeds {
  readonly #feeds = new Map<string, ChannelFeed>();
  #languages: readonly string[] = [];
  #syncing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #logger: Logger;
  readonly #onChange = (): void => void this.sync();

  constructor(
    private readonly stage: StageMedia,
    private readonly transport: types.PlainTransport,
    private readonly relay: ProgramRelay,
    private readonly capabilities: types.RtpCapabilities,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'ChannelFeeds' });
    stage.booths.on('boothchanged', this.#onChange);
    // An interpreter publishing again keeps its source and gets a new producer: the booth does not announce that.
    stage.on('sourceupdated', this.#onChange);
  }

  /** The channels to relay (the encoder's, in its order); the relay must know them already. */
  follow(languages: readonly string[]): Promise<void> {
    this.#languages = [...languages];
    for (const [language, feed] of this.#feeds) {
      if (languages.includes(language)) continue;
      this.#feeds.delete(language);
      this.#retire(feed);
    }
    return this.sync();
  }

  /** Points each channel at its booth's live microphone (one change at a time, in order). */
  sync(): Promise<void> {
    this.#syncing = this.#syncing
      .then(async () => {
        for (const language of this.#languages) await this.#syncChannel(language);
      })
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'following a booth failed'));
    return this.#syncing;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stage.booths.off('boothchanged', this.#onChange);
    this.stage.off('sourceupdated', this.#onChange);
    for (const feed of this.#feeds.values()) this.#retire(feed);
    this.#feeds.clear();
  }

  /** The live interpreter's audio producer of a channel (tags compare without case, as BCP 47 does). */
  #liveProducer(language: string): string | null {
    const booth = this.stage.booths.languages.find((tag) => tag.toLowerCase() === language.toLowerCase());
    const live = booth === undefined ? null : this.stage.booths.state(booth).liveSourceId;
    const source = live === null ? undefined : this.stage.sources.find((s) => s.id === live);
    return source?.producers.find((p) => p.kind === 'audio')?.producerId ?? null;
  }

  async #syncChannel(language: string): Promise<void> {
    if (this.#closed || this.transport.closed) return;
    const wanted = this.#liveProducer(language);
    const current = this.#feeds.get(language);
    if (current && current.producerId === wanted && !current.consumer.closed) return;
    let next: ChannelFeed | undefined;
    if (wanted !== null) {
      const consumer = await this.transport.consume({ producerId: wanted, rtpCapabilities: this.capabilities });
      if (this.#closed) {
        consumer.close();
        return;
      }
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
      next = { producerId: wanted, consumer, ssrc };
      consumer.on('producerclose', () => this.relay.forget(ssrc));
      this.relay.followChannel(language, { ssrc, kind: 'audio', clockRate: consumer.rtpParameters.codecs[0]?.clockRate ?? 48_000 });
      this.#feeds.set(language, next);
    } else {
      this.relay.followChannel(language, null);
      this.#feeds.delete(language);
    }
    if (current) this.#retire(current);
    this.#logger.info({ language, producerId: wanted }, 'channel follows its booth');
  }

  #retire(feed: ChannelFeed): void {
    this.relay.forget(feed.ssrc);
    if (!feed.consumer.closed) feed.consumer.close();
  }
}
