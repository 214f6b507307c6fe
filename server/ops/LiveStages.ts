import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { SessionRecord, StageRecord } from '../store/records';
import { stageKey } from '../stageKey';

/**
 * Which stages have a live session right now, for the "no viewers receiving while live" rule (and
 * their scheduled interpretation languages, for "no live interpreter while live"): read
 * once from the store at start, then followed through the conference bus. Sessions are tracked by id,
 * so a live session moved to another stage, or ended, updates the right stage.
 */
export class LiveStages {
  /** Live session id → its stage key (`eventId/stageId`). */
  readonly #live = new Map<string, string>();
  readonly #onSession = (session: SessionRecord): void => this.#apply(session);
  /** Stage key → its interpretation languages (the booths ops expect staffed while a session is live). */
  readonly #languages = new Map<string, string[]>();
  #store: Store | null = null;
  readonly #onAgenda = ({ eventId, stageId }: { eventId: string; stageId: string | null }): void => {
    if (stageId !== null) void this.#reloadStage(eventId, stageId);
  };

  constructor(
    private readonly bus: ConferenceBus,
    private readonly logger: Logger,
  ) {
    bus.on('sessionchanged', this.#onSession);
    bus.on('agendachanged', this.#onAgenda);
  }

  /** Loads the sessions live now; a store failure is logged (the bus still keeps the set current). */
  async load(store: Store): Promise<void> {
    this.#store = store;
    try {
      for (const event of await store.collection('events').list('')) {
        for (const stage of await store.collection('stages').list(event.id)) this.#setLanguages(stage);
        for (const session of await store.collection('sessions').list(event.id)) {
          if (session.status === 'live' && !this.#live.has(session.id)) this.#apply(session);
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not load the live sessions');
    }
  }

  isLive(stageKey: string): boolean {
    for (const key of this.#live.values()) if (key === stageKey) return true;
    return false;
  }

  /** The stage's interpretation languages: each needs a live interpreter while a session is live. */
  languagesOf(stageKey: string): readonly string[] {
    return this.#languages.get(stageKey) ?? [];
  }

  close(): void {
    this.bus.off('sessionchanged', this.#onSession);
    this.bus.off('agendachanged', this.#onAgenda);
    this.#live.clear();
    this.#languages.clear();
  }

  #setLanguages(stage: StageRecord): void {
    const key = stageKey(stage.eventId, stage.id);
    if ((stage.interpretationLanguages ?? []).length === 0) this.#languages.delete(key);
    else this.#languages.set(key, stage.interpretationLanguages ?? []);
  }

  async #reloadStage(eventId: string, stageId: string): Promise<void> {
    try {
      const stage = await this.#store?.collection('stages').get(eventId, stageId);
      if (stage) this.#setLanguages(stage);
      else this.#languages.delete(stageKey(eventId, stageId));
    } catch (error) {
      this.logger.warn({ err: error, eventId, stageId }, 'could not read a stage’s languages');
    }
  }

  #apply(session: SessionRecord): void {
    if (session.status === 'live') this.#live.set(session.id, stageKey(session.eventId, session.stageId));
    else this.#live.delete(session.id);
  }
}
