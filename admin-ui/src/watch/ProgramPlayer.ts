/**
 * The one `<video>` element of the watch page. Browsers may refuse to start sound without a user
 * gesture: the player then plays muted and shows the Unmute button, whose click is that gesture.
 */
export class ProgramPlayer {
  #trackIds = '';

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
