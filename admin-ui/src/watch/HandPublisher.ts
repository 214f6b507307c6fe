import type { types } from 'mediasoup-client';
import { RequestError } from '../lib/signaling';
import type { StageViewer } from './StageViewer';
import { openUserMedia } from '../lib/userMedia';

export type HandMediaState = 'off' | 'starting' | 'on-air' | 'failed';

// A raised hand is a voice from the audience: a modest picture is enough, and it keeps the uplink light on phones.
const HAND_SIMULCAST: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 250_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 700_000 },
];

/**
 * Publishes an attendee's camera and microphone once a moderator accepts their raised hand (the server
 * then lets this participant open a send transport and produce), on the watch page's own session, and
 * publishes again after a rejoin. Stops when the hand is lowered, by them or by a moderator.
 */
export class HandPublisher {
  #state: HandMediaState = 'off';
  #stream: MediaStream | null = null;
  #send: types.Transport | null = null;
  #producers: types.Producer[] = [];
  #wanted = false;
  #listeners = new Set<(state: HandMediaState, error: Error | null) => void>();

  constructor(private readonly viewer: StageViewer) {
    viewer.onJoined(async () => {
      // The old session's transport is closed, and its producers with it.
      this.#send = null;
      this.#producers = [];
      if (this.#wanted) await this.#publish();
    });
    viewer.connection.on('producerClosed', ({ producerId }) => {
      // The server took it off (hand lowered, right revoked): do not publish again on our own.
      if (!this.#producers.some((p) => p.id === producerId)) return;
      void this.stop();
    });
  }

  get state(): HandMediaState {
    return this.#state;
  }

  /** The camera and microphone being published, for the self-view; null while off. */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  subscribe(listener: (state: HandMediaState, error: Error | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): Promise<void> {
    if (this.#wanted) return Promise.resolve();
    this.#wanted = true;
    this.#set('starting');
    // Speaking needs WebRTC: a viewer watching over HLS joins with media (it publishes once joined).
    if (this.viewer.connection.mode === 'hls') return this.viewer.connection.setMode('webrtc');
    return this.viewer.connection.run(() => this.#publish());
  }

  stop(): Promise<void> {
    this.#wanted = false;
    return this.viewer.connection.run(async () => {
      const producers = this.#producers;
      this.#producers = [];
      for (const producer of producers) {
        producer.close();
        if (!this.viewer.connection.socket.connected) continue;
        await this.viewer.connection.request('closeProducer', { producerId: producer.id }).catch((error: unknown) => {
          // Already closed on the server (a moderator lowered the hand): nothing left to do.
          if (!(error instanceof RequestError && error.code === 'not_found')) throw error;
        });
      }
      for (const track of this.#stream?.getTracks() ?? []) track.stop();
      this.#stream = null;
      this.#set('off');
    });
  }

  async #publish(): Promise<void> {
    try {
      if (!this.#stream) {
        this.#stream = await openUserMedia({
          video: { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24 } },
          audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        });
      }
      if (!this.#wanted) return;
      const send = this.#send && !this.#send.closed ? this.#send : await this.#openSendTransport();
      for (const track of [...this.#stream.getVideoTracks(), ...this.#stream.getAudioTracks()]) {
        if (this.#producers.some((p) => p.track === track && !p.closed)) continue;
        const video = track.kind === 'video';
        this.#producers.push(
          await send.produce({
            track,
            encodings: video ? HAND_SIMULCAST : undefined,
            codecOptions: video ? { videoGoogleStartBitrate: 500 } : { opusDtx: true },
            stopTracks: false,
            appData: { source: 'camera' },
          }),
        );
      }
      this.#set('on-air');
    } catch (error) {
      this.#wanted = false;
      for (const track of this.#stream?.getTracks() ?? []) track.stop();
      this.#stream = null;
      this.#set('failed', error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #openSendTransport(): Promise<types.Transport> {
    const send = await this.viewer.connection.createTransport('send');
    send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.viewer.connection
        .request('produce', { transportId: send.id, kind, rtpParameters, source: 'camera' })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    this.#send = send;
    return send;
  }

  #set(state: HandMediaState, error: Error | null = null): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state, error);
  }
}
