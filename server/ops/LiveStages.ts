import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { SessionRecord } from '../store/records';
import { stageKey } from '../stageKey';

/**
 * Which stages have a live session right now, for the "no viewers receiving while live" rule: read
 * once from the store at start, then followed through the conference bus. Sessions are tracked by id,
 * so a live session moved to another stage, or ended, updates the right stage.
 */
export class LiveStages {
  /** Live session id → its stage key (`eventId/stageId`). */
  readonly #live = new Map<string, string>();
  readonly #onSession = (session: SessionRecord): void => this.#apply(session);

  constructor(
    private readonly bus: ConferenceBus,
    private readonly logger: Logger,
  ) {
    bus.on('sessionchanged', this.#onSession);
  }

  /** Loads the sessions live now; a store failure is logged (the bus still keeps the set current). */
  async load(store: Store): Promise<void> {
    try {
      for (const event of await store.collection('events').list('')) {
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

  close(): void {
    this.bus.off('sessionchanged', this.#onSession);
    this.#live.clear();
  }

  #apply(session: SessionRecord): void {
    if (session.status === 'live') this.#live.set(session.id, stageKey(session.eventId, session.stageId));
    else this.#live.delete(session.id);
  }
}
