import { AppError } from './errors';

/**
 * Whether this node admits new participants. It stops, once and for good, when the node starts
 * draining on its way out: joins are refused with `unavailable` while those already here stay on.
 */
export class Admission {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  drain(): void {
    this.#draining = true;
  }

  /** Throws `unavailable` once the node is draining. */
  assertOpen(): void {
    if (this.#draining) throw new AppError('unavailable', 'this node is shutting down; join again in a moment');
  }
}
