import type { ParticipantSocket } from './socketTypes';

/** The connections on this node that watch a stage over HLS (their pages still talk Q&A, hands, program changes). */
export class HlsAudience {
  readonly #byStage = new Map<string, Set<ParticipantSocket>>();
  readonly #stageOf = new WeakMap<ParticipantSocket, string>();

  add(socket: ParticipantSocket, stageKey: string): void {
    this.remove(socket);
    let sockets = this.#byStage.get(stageKey);
    if (!sockets) {
      sockets = new Set();
      this.#byStage.set(stageKey, sockets);
    }
    sockets.add(socket);
    this.#stageOf.set(socket, stageKey);
  }

  remove(socket: ParticipantSocket): void {
    const stageKey = this.#stageOf.get(socket);
    if (stageKey === undefined) return;
    this.#stageOf.delete(socket);
    const sockets = this.#byStage.get(stageKey);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.#byStage.delete(stageKey);
  }

  /** The stage a connection watches over HLS, if it does. */
  stageKeyOf(socket: ParticipantSocket): string | undefined {
    return this.#stageOf.get(socket);
  }

  count(stageKey: string): number {
    return this.#byStage.get(stageKey)?.size ?? 0;
  }
}
