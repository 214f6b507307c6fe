import { AppError } from '../errors';

/**
 * A sliding-window limit per key (a participant): at most `limit` hits in `windowMs`.
 * In memory, per node; a participant's requests normally reach one node.
 */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly what: string,
  ) {}

  /** Counts a hit, or throws `rate_limited` when the key is over its limit (the hit is not counted). */
  hit(key: string, now: number = Date.now()): void {
    const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.#hits.set(key, recent);
      const retryInS = Math.ceil((this.windowMs - (now - recent[0])) / 1000);
      throw new AppError('rate_limited', `too many ${this.what}; retry in ${retryInS} s`);
    }
    recent.push(now);
    this.#hits.set(key, recent);
    if (this.#hits.size > 100_000) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [key, hits] of this.#hits) if (hits.every((t) => now - t >= this.windowMs)) this.#hits.delete(key);
  }
}
