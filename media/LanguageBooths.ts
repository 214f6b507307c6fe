import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { MediaError, type SourceInfo } from './types';

/** One interpreter in a booth: their microphone's source, and whether it is the one viewers hear. */
export interface BoothInterpreter {
  sourceId: string;
  participantId: string;
  name: string;
  live: boolean;
}

/** The booth of one language channel of a stage: its interpreters in the order they arrived. */
export interface BoothState {
  language: string;
  interpreters: BoothInterpreter[];
  /** The interpreter viewers of this language hear; null while the booth is empty. */
  liveParticipantId: string | null;
  /** The live interpreter's source id (health joins it with the source's loss and bitrate); null while empty. */
  liveSourceId: string | null;
  /** The live microphone's level (dBov, −127 to 0) over the last second; null when silent or unmeasured. */
  audioLevelDbov: number | null;
}

export interface LanguageBoothsEvents {
  /** A booth's interpreters or its live interpreter changed (its producers are gated already). */
  boothchanged: [BoothState];
}

interface Booth {
  /** Interpretation sources of this language, by source id, in arrival order. */
  sources: Map<string, SourceInfo>;
  live: string | null;
}

/**
 * The booths of one stage: per language, which interpreter's microphone reaches the channel. Exactly
 * one interpreter of a booth is live; the others' producers are paused at the origin, so nothing of
 * theirs reaches any router, and a handover is two producer requests whatever the audience's size.
 * Interpreters publish paused (see MediaPeer.produce): a newcomer is muted until the booth says so.
 */
export class LanguageBooths extends EventEmitter<LanguageBoothsEvents> {
  readonly #booths = new Map<string, Booth>();
  /** Gating runs one at a time, so two quick handovers cannot leave two producers resumed. */
  #gating: Promise<void> = Promise.resolve();
  readonly #logger: Logger;
  /** Language → producer id → its level (dBov) from that booth's audio level observer; absent: silent. */
  readonly #levels = new Map<string, Map<string, number>>();
  /** One observer per booth: see measureLevels. */
  readonly #observers = new Map<string, Promise<types.AudioLevelObserver | null>>();
  #createObserver: (() => Promise<types.AudioLevelObserver>) | null = null;

  constructor(
    private readonly producersOf: (sourceId: string) => readonly types.Producer[],
    logger: Logger,
  ) {
    super();
    this.#logger = logger.child({ module: 'LanguageBooths' });
  }

  /**
   * Measures the interpreters' levels for ops (a live booth whose microphone is silent is a problem the
   * loss figures do not show), from the audio level header extension, without decoding. One observer
   * per booth, not per stage: mediasoup 3.8.4's observer ranks producers in a map keyed by level, so two
   * booths at the same level would hide one another; within a booth only the live producer sends.
   */
  measureLevels(createObserver: () => Promise<types.AudioLevelObserver>): void {
    this.#createObserver = createObserver;
  }

  get languages(): string[] {
    return [...this.#booths.keys()];
  }

  state(language: string): BoothState {
    const booth = this.#booths.get(language);
    const live = booth?.live ?? null;
    const interpreters = [...(booth?.sources.values() ?? [])].map((s) => ({
      sourceId: s.id,
      participantId: s.ownerId ?? '',
      name: s.label,
      live: s.id === live,
    }));
    const liveProducers = live === null ? [] : this.producersOf(live);
    const measured = this.#levels.get(language);
    const levels = liveProducers.flatMap((p) => (measured?.has(p.id) ? [measured.get(p.id) ?? -127] : []));
    return {
      language,
      interpreters,
      liveParticipantId: interpreters.find((i) => i.live)?.participantId ?? null,
      liveSourceId: live,
      audioLevelDbov: levels.length === 0 ? null : Math.max(...levels),
    };
  }

  /** Follows the stage's sources: an interpretation source arriving joins its booth (live if the booth was empty). */
  sourceUpdated(source: SourceInfo): void {
    if (source.kind !== 'interpretation' || source.language === undefined) return;
    let booth = this.#booths.get(source.language);
    if (!booth) {
      booth = { sources: new Map(), live: null };
      this.#booths.set(source.language, booth);
    }
    const isNew = !booth.sources.has(source.id);
    booth.sources.set(source.id, source);
    for (const producer of this.producersOf(source.id)) void this.#observeLevel(source.language, producer);
    booth.live ??= source.id;
    // A producer added to a known source (its interpreter published again) is gated like the first.
    void this.#regate(source.language, isNew);
  }

  /** An interpreter left: when it was the live one, the partner who came first takes over, so the channel stays heard. */
  sourceClosed(sourceId: string): void {
    for (const [language, booth] of this.#booths) {
      if (!booth.sources.delete(sourceId)) continue;
      if (booth.live === sourceId) booth.live = booth.sources.keys().next().value ?? null;
      if (booth.sources.size === 0) {
        this.#booths.delete(language);
        this.#closeObserver(language);
      }
      void this.#regate(language, true);
    }
  }

  /**
   * A handover asked by an interpreter of the booth: the live one passes the channel to the partner
   * who has waited longest; a muted one takes it. Either way exactly one stays live.
   */
  async handOver(language: string, participantId: string): Promise<BoothState> {
    const booth = this.#booths.get(language);
    const own = [...(booth?.sources.values() ?? [])].find((s) => s.ownerId === participantId);
    if (!booth || !own) throw new MediaError('conflict', `publish your microphone in the ${language} booth first`);
    if (booth.live === own.id) {
      const partner = [...booth.sources.keys()].find((id) => id !== own.id);
      if (partner === undefined) throw new MediaError('conflict', 'no partner in the booth to hand over to');
      booth.live = partner;
    } else {
      booth.live = own.id;
    }
    this.#logger.info({ language, live: booth.live }, 'handOver()');
    await this.#regate(language, true);
    return this.state(language);
  }

  async #observeLevel(language: string, producer: types.Producer): Promise<void> {
    const create = this.#createObserver;
    if (!create || producer.kind !== 'audio' || producer.closed) return;
    let observer = this.#observers.get(language);
    if (!observer) {
      observer = create().then(
        (created) => {
          created.on('volumes', (volumes: types.AudioLevelObserverVolume[]) => {
            this.#levels.set(language, new Map(volumes.map(({ producer: p, volume }) => [p.id, volume])));
          });
          created.on('silence', () => this.#levels.delete(language));
          return created;
        },
        (error: unknown) => {
          this.#logger.warn({ err: error, language }, 'no audio level observer for a booth');
          return null;
        },
      );
      this.#observers.set(language, observer);
    }
    // Adding the same producer twice is refused by the worker: harmless, its level is measured once.
    await (await observer)?.addProducer({ producerId: producer.id }).catch(() => undefined);
  }

  /** An empty booth's observer goes with it (a booth opened again gets a new one). */
  #closeObserver(language: string): void {
    const observer = this.#observers.get(language);
    this.#observers.delete(language);
    this.#levels.delete(language);
    void observer?.then((o) => o?.close());
  }

  #regate(language: string, announce: boolean): Promise<void> {
    const gated = this.#gating.then(async () => {
      const booth = this.#booths.get(language);
      // Pipe producers (an edge node's copy of the origin's booth) follow the origin, which gates the real ones.
      const own = (id: string): types.Producer[] => this.producersOf(id).filter((p) => (p.appData as { role?: unknown }).role !== 'piped');
      const producers = [...(booth?.sources.keys() ?? [])].map((id) => ({ live: id === booth?.live, producers: own(id) }));
      // Muting first: for a moment nobody is heard rather than two interpreters at once.
      await Promise.all(producers.filter((p) => !p.live).flatMap((p) => p.producers.map(async (x) => (x.closed ? undefined : x.pause()))));
      await Promise.all(producers.filter((p) => p.live).flatMap((p) => p.producers.map(async (x) => (x.closed ? undefined : x.resume()))));
    });
    // A producer closing under a request is no failure of the booth: the next change gates again.
    this.#gating = gated.catch((error: unknown) => this.#logger.warn({ err: error, language }, 'gating a booth failed'));
    return this.#gating.then(() => {
      if (announce) this.emit('boothchanged', this.state(language));
    });
  }
}
