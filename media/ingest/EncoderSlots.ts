import { MediaError } from '../types';

/** An encoder publishing a stage feed, whatever its protocol. */
export interface EncoderSession {
  /** The credential it publishes with (a stream key's id). */
  readonly holder: string;
  readonly protocol: 'whip' | 'rtmp' | 'srt';
  readonly closed: boolean;
  /** How long no media has arrived from it; an encoder that just connected counts as heard. */
  silentForMs(nowMs: number): number;
  close(): void;
}

interface Slot {
  session: EncoderSession | null;
  /** An encoder being connected: counts as live, so two arriving together cannot both get in. */
  opening: boolean;
}

/**
 * One encoder per stage feed. A second encoder is refused (`conflict`) while the first is live, unless
 * the first has been silent for `takeoverMs`: a crashed encoder that restarts gets back in without
 * anyone ending its old session, and a second desk pushing by mistake does not cut the first off air.
 */
export class EncoderSlots {
  readonly #slots = new Map<string, Slot>();

  constructor(private readonly takeoverMs: number) {}

  /**
   * Reserves the feed for a new encoder: closes the current one when it has been silent long enough,
   * and answers a release to call if opening fails, or a fill with the session once it is open.
   */
  claim(feedKey: string, nowMs = Date.now()): { fill(session: EncoderSession): void; cancel(): void } {
    const slot = this.#slots.get(feedKey);
    if (slot?.opening) throw new MediaError('conflict', 'another encoder is connecting to this feed');
    const current = slot?.session;
    if (current && !current.closed) {
      const silentMs = current.silentForMs(nowMs);
      if (silentMs < this.takeoverMs) {
        throw new MediaError(
          'conflict',
          `this feed already has a live ${current.protocol} encoder; a new one may take over once it has been silent for ${this.takeoverMs} ms`,
        );
      }
      current.close();
    }
    const reserved: Slot = { session: null, opening: true };
    this.#slots.set(feedKey, reserved);
    return {
      fill: (session) => {
        reserved.opening = false;
        reserved.session = session;
      },
      cancel: () => {
        if (this.#slots.get(feedKey) === reserved) this.#slots.delete(feedKey);
      },
    };
  }

  /** Forgets a session that ended (its slot may already hold a successor). */
  release(feedKey: string, session: EncoderSession): void {
    if (this.#slots.get(feedKey)?.session === session) this.#slots.delete(feedKey);
  }

  /** Live sessions publishing with `holder` (a revoked key ends them). */
  sessionsOf(holder: string): EncoderSession[] {
    return [...this.#slots.values()].flatMap((slot) => (slot.session && slot.session.holder === holder ? [slot.session] : []));
  }

  get size(): number {
    return this.#slots.size;
  }
}
