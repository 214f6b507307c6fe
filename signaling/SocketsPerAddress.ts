/**
 * Concurrent Socket.IO connections per client address on this node. A slot is taken synchronously at
 * the handshake, before the token is checked, so a burst of connections cannot overshoot the cap and
 * a flood of bad tokens costs no verification beyond it.
 */
export class SocketsPerAddress {
  readonly #open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `address`; null at the cap. The release it answers frees the slot once, however often called. */
  acquire(address: string): (() => void) | null {
    const open = this.#open.get(address) ?? 0;
    if (open >= this.limit) return null;
    this.#open.set(address, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    };
  }
}
