/**
 * Viewers that have joined and are not receiving yet (no consumer resumed): how far a node is behind a
 * flash crowd. Each one leaves the backlog when it resumes a consumer, when its peer closes, or after
 * `staleMs` (a client that never gets that far must not hold a place forever).
 */
export class JoinBacklog {
  readonly #pending = new Map<object, NodeJS.Timeout>();

  constructor(private readonly staleMs: number) {}

  get size(): number {
    return this.#pending.size;
  }

  add(peer: object): void {
    if (this.#pending.has(peer)) return;
    const timer = setTimeout(() => this.#pending.delete(peer), this.staleMs);
    timer.unref();
    this.#pending.set(peer, timer);
  }

  settle(peer: object): void {
    clearTimeout(this.#pending.get(peer));
    this.#pending.delete(peer);
  }
}
