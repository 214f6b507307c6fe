import { PageFailure } from '../lib/pageFailure';
import { HlsAudio, nativeAudioSwitch } from './hlsAudio';

/**
 * The one `<video>` element of the watch page. Browsers may refuse to start sound without a user
 * gesture: the player then plays muted and shows the Unmute button, whose click is that gesture.
 */
export class ProgramPlayer {
  #trackIds = '';
  /** The HLS stream playing, with what plays it (hls.js, or the browser where it plays HLS itself). */
  #hls: { url: string; stop(): void } | null = null;
  /** The viewer's language among the HLS stream's audio renditions (stage interpretation). */
  readonly audio = new HlsAudio();

  constructor(
    readonly video: HTMLVideoElement,
    private readonly unmuteButton: HTMLButtonElement,
  ) {
    video.playsInline = true;
    unmuteButton.hidden = true;
    unmuteButton.addEventListener('click', () => {
      video.muted = false;
      unmuteButton.hidden = true;
      void this.#play();
    });
  }

  /** Plays these tracks (a source's video and audio); nothing changes if they already play. */
  show(tracks: readonly MediaStreamTrack[]): void {
    if (this.#hls) return;
    const ids = tracks
      .map((t) => t.id)
      .sort()
      .join(',');
    if (ids === this.#trackIds) return;
    this.#trackIds = ids;
    this.video.srcObject = tracks.length > 0 ? new MediaStream([...tracks]) : null;
    if (tracks.length > 0) void this.#play();
  }

  clear(): void {
    this.show([]);
  }

  /**
   * Plays an HLS stream instead of tracks (hls.js, loaded only when needed; the browser's own player
   * where it has one and hls.js does not run). Tracks shown meanwhile are ignored until `stopHls`.
   */
  async playHls(url: string): Promise<void> {
    if (this.#hls?.url === url) return;
    this.stopHls();
    this.video.srcObject = null;
    this.#trackIds = '';
    const { default: Hls } = await import('hls.js');
    if (Hls.isSupported()) {
      // Three segments behind the live edge: what a player needs to ride out a late segment.
      const hls = new Hls({ liveSyncDurationCount: 3, enableWorker: true });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        // A stream not started yet (404) or a network hiccup: try again; a broken decoder: recover.
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else window.setTimeout(() => hls.loadSource(url), 2000);
      });
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => this.audio.tracksChanged());
      hls.loadSource(url);
      hls.attachMedia(this.video);
      this.audio.attach({
        tracks: () => hls.audioTracks.map((t) => ({ language: t.lang ?? null, name: t.name, isDefault: t.default })),
        selected: () => hls.audioTrack,
        select: (index) => (hls.audioTrack = index),
      });
      this.#hls = { url, stop: () => hls.destroy() };
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl') !== '') {
      this.video.src = url;
      const native = nativeAudioSwitch(this.video, () => this.audio.tracksChanged());
      if (native) this.audio.attach(native);
      this.#hls = { url, stop: () => this.video.removeAttribute('src') };
    } else {
      throw new PageFailure('hls_unsupported', 'this browser cannot play HLS');
    }
    await this.#play();
  }

  stopHls(): void {
    if (!this.#hls) return;
    this.audio.detach();
    this.#hls.stop();
    this.#hls = null;
    this.video.load();
  }

  get playingHls(): boolean {
    return this.#hls !== null;
  }

  async #play(): Promise<void> {
    try {
      await this.video.play();
    } catch (error) {
      if (!(error instanceof DOMException)) throw error;
      // AbortError: a newer srcObject replaced this one before it started; that one plays instead.
      if (error.name !== 'NotAllowedError' || this.video.muted) return;
      this.video.muted = true;
      this.unmuteButton.hidden = false;
      await this.video.play().catch((retryError: unknown) => console.warn('stagecast: muted playback refused too', retryError));
    }
  }
}
