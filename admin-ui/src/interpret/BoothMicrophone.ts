import type { types } from 'mediasoup-client';
import type { BoothState } from '../../../signaling/contract';
import type { StageViewer } from '../watch/StageViewer';

export type MicState = 'starting' | 'live' | 'muted' | 'failed';

/**
 * An interpreter's microphone in their booth: published into the token's language channel on the
 * page's own session (next to the floor program it receives), and again after every rejoin. Whether
 * it is heard is the booth's decision on the server (exactly one interpreter live); this page only
 * follows the booth's state and asks for handovers.
 */
export class BoothMicrophone {
  #producer: types.Producer | null = null;
  #language: string | null = null;
  #booth: BoothState | null = null;
  #participantId: string | null = null;
  #failed: Error | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly viewer: StageViewer,
    private readonly microphone: MediaStreamTrack,
  ) {
    viewer.onJoined(async () => {
      // The old session's transport is closed, and the producer with it.
      this.#producer = null;
      await this.#publish();
    });
    viewer.connection.on('boothUpdated', (booth) => {
      if (booth.language !== this.#language) return;
      this.#booth = booth;
      this.#changed();
    });
    viewer.connection.on('producerClosed', ({ producerId }) => {
      if (this.#producer?.id !== producerId) return;
      this.#producer = null;
      this.#changed();
    });
  }

  get language(): string | null {
    return this.#language;
  }

  get booth(): BoothState | null {
    return this.#booth;
  }

  get producerId(): string | null {
    return this.#producer?.id ?? null;
  }

  get state(): MicState {
    if (this.#failed) return 'failed';
    if (!this.#producer || !this.#booth) return 'starting';
    return this.#booth.liveParticipantId === this.#participantId ? 'live' : 'muted';
  }

  get error(): Error | null {
    return this.#failed;
  }

  /** Whether the booth has someone to hand over to (when live) or someone live to take over from. */
  get hasPartner(): boolean {
    return (this.#booth?.interpreters.length ?? 0) > 1;
  }

  subscribe(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Live: pass the channel to the partner; muted: take it. The server answers the booth's new state. */
  async handOver(): Promise<BoothState> {
    const booth = await this.viewer.connection.request('handOver', {});
    this.#booth = booth;
    this.#changed();
    return booth;
  }

  async #publish(): Promise<void> {
    this.#booth = null;
    try {
      const languages = await this.viewer.connection.request('getLanguages', {});
      this.#language = languages.yourLanguage;
      this.#participantId = this.viewer.participantId;
      if (this.#language === null) throw new Error('this link is not an interpreter’s: ask the host for a booth link');
      const language = this.#language;
      const send = await this.viewer.connection.createTransport('send');
      send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        this.viewer.connection
          .request('produce', { transportId: send.id, kind, rtpParameters, source: 'interpretation', language })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
      // Speech needs no more than this; Opus DTX keeps a muted booth almost silent on the wire.
      this.#producer = await send.produce({ track: this.microphone, codecOptions: { opusDtx: true }, stopTracks: false });
      // The booth's state with this microphone in it comes as `boothUpdated` (before or after this answer).
      this.#failed = null;
    } catch (error) {
      this.#failed = error instanceof Error ? error : new Error(String(error));
    }
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
