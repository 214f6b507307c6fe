import type { types } from 'mediasoup-client';
import type { JoinResult, ResumeResult } from '../../../signaling/contract';
import type { StageRoute } from '../lib/route';
import type { RenewableToken } from '../lib/token';
import { RequestError } from '../lib/signaling';
import type { Placement } from '../lib/placement';
import { StageConnection } from '../lib/StageConnection';
import { PageFailure } from '../lib/pageFailure';

export type SpeakState = 'starting' | 'connecting' | 'on-air' | 'reconnecting' | 'failed';
export type PublishedSource = 'camera' | 'screen';

export interface SpeakView {
  state(state: SpeakState, error?: Error): void;
  /** Whether a screen share is on the stage now. */
  sharing(active: boolean): void;
  /** After this page's tracks are published on a new peer: a page that also receives builds that here. */
  joined?(join: JoinResult, device: types.Device): Promise<void>;
  /** After the tracks the server lost are published again on a resumed peer. */
  resumed?(result: ResumeResult): Promise<void>;
}

/** A track this speaker wants on the stage; its producer is rebuilt whenever the server lost it. */
interface Publication {
  track: MediaStreamTrack;
  source: PublishedSource;
  producer: types.Producer | null;
}

// Three simulcast layers, so viewers on weak links get a smaller picture instead of a frozen one.
const CAMERA_SIMULCAST: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
const SCREEN_ENCODING: types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000 }];

function isPublishedSource(value: unknown): value is PublishedSource {
  return value === 'camera' || value === 'screen';
}

/**
 * The speak page's model: publishes the camera and microphone (source 'camera', video in simulcast)
 * and optionally a screen share (source 'screen') on one send transport, and publishes again whatever
 * the server lost across reconnections and rejoins.
 */
export class StagePublisher {
  readonly connection: StageConnection;
  #state: SpeakState = 'connecting';
  #publications: Publication[];
  #send: types.Transport | null = null;

  constructor(
    route: StageRoute,
    token: RenewableToken,
    camera: MediaStream,
    private readonly view: SpeakView,
    /** `receives`: the page also receives (a meeting room), so its joins bring the receive transport. */
    where: { url?: string; placement?: Placement; receives?: boolean } = {},
  ) {
    // Video first: viewers then learn of the source with its picture, not as sound alone for a moment.
    const tracks = [...camera.getVideoTracks(), ...camera.getAudioTracks()];
    this.#publications = tracks.map((track) => ({ track, source: 'camera', producer: null }));
    this.connection = new StageConnection(
      route,
      token,
      {
        joined: (join, device) => this.#joined(join, device),
        resumed: (result) => this.#resumed(result),
        disconnected: () => this.#setState('reconnecting'),
        failed: (error) => this.#setState('failed', error),
      },
      where,
    );
    this.connection.on('producerClosed', ({ producerId }) => {
      // The server took it off the stage (right revoked, stage closed): do not publish it again.
      void this.connection.run(async () => {
        const closed = this.#publications.filter((p) => p.producer?.id === producerId);
        for (const publication of closed) this.#unpublish(publication);
      });
    });
    this.#setState('connecting');
  }

  get state(): SpeakState {
    return this.#state;
  }

  get producerIds(): string[] {
    return this.#publications.flatMap((p) => (p.producer && !p.producer.closed ? [p.producer.id] : []));
  }

  /** Adds a screen share (from getDisplayMedia); it ends when the browser's own "stop sharing" is used. */
  shareScreen(stream: MediaStream): Promise<void> {
    return this.connection.run(async () => {
      for (const track of stream.getTracks()) {
        this.#publications.push({ track, source: 'screen', producer: null });
        track.addEventListener('ended', () => void this.stopScreen());
      }
      this.view.sharing(true);
      await this.#publishAll();
    });
  }

  stopScreen(): Promise<void> {
    return this.connection.run(async () => {
      for (const publication of this.#publications.filter((p) => p.source === 'screen')) {
        const producerId = publication.producer?.id;
        this.#unpublish(publication);
        if (producerId && this.connection.socket.connected) {
          await this.connection.request('closeProducer', { producerId }).catch((error: unknown) => {
            // Already gone on the server: nothing left to close.
            if (!(error instanceof RequestError && error.code === 'not_found')) throw error;
          });
        }
      }
    });
  }

  async #joined(join: JoinResult, device: types.Device): Promise<void> {
    // The previous session's transport is closed, and its producers with it.
    for (const publication of this.#publications) publication.producer = null;
    if (!device.canProduce('video') && !device.canProduce('audio'))
      throw new PageFailure('cannot_send', 'this browser cannot send media to the stage');
    const send = await this.connection.createTransport('send');
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = isPublishedSource(appData.source) ? appData.source : 'camera';
      this.connection
        .request('produce', { transportId: send.id, kind, rtpParameters, source })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    this.#send = send;
    await this.#publishAll();
    await this.view.joined?.(join, device);
  }

  async #resumed(result: ResumeResult): Promise<void> {
    // Producers the stage no longer lists were closed while we were away: publish those tracks again.
    const live = new Set(result.sources.flatMap((s) => s.producers.map((p) => p.producerId)));
    for (const publication of this.#publications) {
      if (publication.producer && !live.has(publication.producer.id)) {
        publication.producer.close();
        publication.producer = null;
      }
    }
    await this.#publishAll();
    await this.view.resumed?.(result);
  }

  async #publishAll(): Promise<void> {
    const send = this.#send;
    if (!send || send.closed) return;
    for (const publication of this.#publications) {
      if (publication.producer && !publication.producer.closed) continue;
      if (publication.track.readyState === 'ended') continue;
      const { track, source } = publication;
      const video = track.kind === 'video';
      publication.producer = await send.produce({
        track,
        encodings: video ? (source === 'camera' ? CAMERA_SIMULCAST : SCREEN_ENCODING) : undefined,
        codecOptions: video ? { videoGoogleStartBitrate: 1000 } : { opusDtx: true },
        // The same tracks are published again after a rejoin: closing a producer must not stop them.
        stopTracks: false,
        appData: { source },
      });
    }
    this.#setState('on-air');
  }

  #unpublish(publication: Publication): void {
    publication.producer?.close();
    publication.producer = null;
    this.#publications = this.#publications.filter((p) => p !== publication);
    if (publication.source === 'screen') {
      publication.track.stop();
      this.view.sharing(this.#publications.some((p) => p.source === 'screen'));
    }
  }

  #setState(state: SpeakState, error?: Error): void {
    if (this.#state === 'failed') return;
    this.#state = state;
    this.view.state(state, error);
  }
}
