import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';

/** Who a session plays for and where: what the HTTP edge checks on DELETE and what revocations match. */
export interface WhepSessionInfo {
  id: string;
  stageKey: string;
  /** The token's id of a private event's viewer; null when anonymous. */
  viewer: string | null;
}

/**
 * One WHEP player: a WebRTC transport on a router of players, consuming the program feed. Ends on
 * DELETE, when its transport closes (its router, feed or stage closed), when DTLS fails, and when the
 * player has sent nothing (no ICE check, no RTCP) for `idleMs`: a player that vanished without a DELETE,
 * or one that never connected, is not kept.
 */
export class WhepSession extends EventEmitter<{ '@close': [] }> implements WhepSessionInfo {
  #closed = false;
  #lastHeardMs = Date.now();
  #bytes = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly id: string,
    readonly stageKey: string,
    readonly viewer: string | null,
    readonly transport: types.WebRtcTransport,
    readonly consumers: readonly types.Consumer[],
    private readonly idleMs: number,
  ) {
    super();
    // One worker request per poll, whatever the traffic: a player sends RTCP receiver reports every second or so.
    this.#timer = setInterval(() => void this.#poll(), Math.max(50, Math.min(5000, Math.floor(idleMs / 3))));
    this.#timer.unref();
    transport.observer.once('close', () => this.#end());
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.close();
      // The picture starts at a key frame: ask for one as soon as the player can receive it.
      if (state === 'connected')
        for (const consumer of consumers) if (consumer.kind === 'video') consumer.requestKeyFrame().catch(() => undefined);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (!this.transport.closed) this.transport.close();
    this.#end();
  }

  async #poll(): Promise<void> {
    try {
      const stats = await this.transport.getStats();
      const bytes = stats.reduce((sum, s) => sum + (s.bytesReceived ?? 0), 0);
      // Every datagram counts (ICE consent checks too): a player that is there is heard from every few seconds.
      if (bytes > this.#bytes) this.#lastHeardMs = Date.now();
      this.#bytes = bytes;
    } catch {
      // A transport closing under the request: its close event ends the session.
      return;
    }
    if (Date.now() - this.#lastHeardMs > this.idleMs) this.close();
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.emit('@close');
  }
}
