import type { types } from 'mediasoup-client';
import { consumeOn } from './consume';
import type { SourceInfo } from '../../../signaling/contract';
import { RequestError } from './signaling';
import type { StageConnection } from './StageConnection';

interface HeldChannel {
  consumer: types.Consumer;
  language: string;
  /** Whether this page asked the server to forward it. */
  flowing: boolean;
}

/** What plays the chosen channel: told its tracks whenever they change (none while the floor alone plays). */
export type ChannelTracksListener = (language: string | null, tracks: MediaStreamTrack[]) => void;

/**
 * A page's language channel: consumes the interpretation producers of the chosen language on the
 * page's receive transport, next to the program. Channels once chosen stay consumed and paused, so
 * switching is a pause of the old consumer and a resume of the new one, never a rejoin. The booth
 * decides which interpreter of a language is heard (the others' producers are paused on the server),
 * so every producer of the chosen language may flow.
 *
 * Runs inside the page's media queue (StageConnection.run): StageViewer calls attach, sync and detach
 * there, and `choose` queues itself.
 */
export class LanguageChannel {
  #chosen: string | null = null;
  #sources: SourceInfo[] = [];
  /** By producer id. */
  readonly #held = new Map<string, HeldChannel>();
  #recv: types.Transport | null = null;
  #device: types.Device | null = null;
  readonly #listeners = new Set<ChannelTracksListener>();

  constructor(private readonly connection: StageConnection) {}

  /** The language chosen; null: the floor alone. */
  get language(): string | null {
    return this.#chosen;
  }

  /** Languages with at least one interpreter's producer on the stage now. */
  get liveLanguages(): string[] {
    return [...new Set(this.#sources.flatMap((s) => (s.language !== undefined && s.producers.length > 0 ? [s.language] : [])))];
  }

  /** The tracks of the chosen channel that the server forwards now. */
  get tracks(): MediaStreamTrack[] {
    return [...this.#held.values()].filter((h) => h.flowing && h.language === this.#chosen).map((h) => h.consumer.track);
  }

  onTracks(listener: ChannelTracksListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Chooses a channel (null: none). Queued behind the page's other media work. */
  choose(language: string | null): Promise<void> {
    return this.connection.run(async () => {
      this.#chosen = language;
      await this.#apply();
    });
  }

  /** A fresh session: its receive transport. The previous one's consumers went with it. */
  attach(recv: types.Transport, device: types.Device): void {
    this.#forget();
    this.#recv = recv;
    this.#device = device;
  }

  /** The session is gone (or watches over HLS): nothing is held any more. */
  detach(): void {
    this.#forget();
    this.#recv = null;
    this.#device = null;
    this.#announce();
  }

  /** The stage's interpretation sources changed: consumers follow them. */
  async sync(sources: SourceInfo[]): Promise<void> {
    this.#sources = sources.filter((s) => s.kind === 'interpretation' && s.language !== undefined);
    const producers = new Set(this.#sources.flatMap((s) => s.producers.map((p) => p.producerId)));
    this.#drop((_held, producerId) => !producers.has(producerId));
    await this.#apply();
  }

  /** Consumers the server no longer has (closed while the connection was away, or just now). */
  dropConsumers(alive: (consumerId: string) => boolean): void {
    const before = this.#held.size;
    this.#drop((held) => !alive(held.consumer.id));
    if (this.#held.size !== before) this.#announce();
  }

  async #apply(): Promise<void> {
    const recv = this.#recv;
    if (!recv || recv.closed) return;
    const wanted = this.#sources.filter((s) => s.language === this.#chosen).flatMap((s) => s.producers.filter((p) => p.kind === 'audio'));
    // The new channel first: the listener hears the interpreter sooner, and the old one stops right after.
    for (const { producerId } of wanted) {
      if (!this.#held.has(producerId)) await this.#consume(recv, producerId);
      const held = this.#held.get(producerId);
      if (held && !held.flowing) await this.#setFlowing(held, true);
    }
    for (const held of [...this.#held.values()]) if (held.language !== this.#chosen && held.flowing) await this.#setFlowing(held, false);
    this.#announce();
  }

  async #consume(recv: types.Transport, producerId: string): Promise<void> {
    const language = this.#sources.find((s) => s.producers.some((p) => p.producerId === producerId))?.language;
    if (!this.#device || language === undefined) return;
    // Null: the interpreter left meanwhile, and the source event saying so follows.
    const consumed = await consumeOn(this.connection, recv, producerId);
    if (!consumed) return;
    const { consumer, paused } = consumed;
    this.#held.set(producerId, { consumer, language, flowing: !paused });
  }

  async #setFlowing(held: HeldChannel, flowing: boolean): Promise<void> {
    try {
      await this.connection.request(flowing ? 'resumeConsumer' : 'pauseConsumer', { consumerId: held.consumer.id });
      held.flowing = flowing;
    } catch (error) {
      if (!(error instanceof RequestError && error.code === 'not_found')) throw error;
      this.#drop((h) => h === held);
    }
  }

  #drop(matches: (held: HeldChannel, producerId: string) => boolean): void {
    for (const [producerId, held] of [...this.#held]) {
      if (!matches(held, producerId)) continue;
      held.consumer.close();
      this.#held.delete(producerId);
    }
  }

  #forget(): void {
    this.#drop(() => true);
  }

  #announce(): void {
    const tracks = this.tracks;
    for (const listener of this.#listeners) listener(this.#chosen, tracks);
  }
}
