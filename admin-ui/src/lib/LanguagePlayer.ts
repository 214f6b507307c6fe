/**
 * Plays a language channel next to the floor: one `<audio>` element per channel track (a booth's
 * interpreters are separate producers, only the live one carries sound), and the floor's element
 * turned down to the stage's level while a language is chosen, so the room stays audible underneath.
 * Element volume rather than a Web Audio graph: it needs no AudioContext (which browsers hold
 * suspended until a gesture) and it is what the floor's element already is.
 */
export class LanguagePlayer {
  readonly #elements = new Map<string, HTMLAudioElement>();
  #floorLevel = 0.2;
  #language: string | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly floor: HTMLMediaElement,
  ) {}

  /** How loud the floor stays under a chosen language, 0–1 (the stage's setting). */
  set floorLevel(level: number) {
    this.#floorLevel = Math.min(1, Math.max(0, level));
    this.#applyFloor();
  }

  show(language: string | null, tracks: readonly MediaStreamTrack[]): void {
    this.#language = language;
    const ids = new Set(tracks.map((t) => t.id));
    for (const [id, element] of [...this.#elements]) {
      if (ids.has(id)) continue;
      element.srcObject = null;
      element.remove();
      this.#elements.delete(id);
    }
    for (const track of tracks) {
      if (this.#elements.has(track.id)) continue;
      const element = document.createElement('audio');
      element.autoplay = true;
      element.dataset.language = language ?? '';
      element.srcObject = new MediaStream([track]);
      this.container.append(element);
      this.#elements.set(track.id, element);
      element.play().catch((error: unknown) => console.info('stagecast: language audio waits for a gesture', error));
    }
    this.#applyFloor();
  }

  /**
   * The floor goes down only while an interpreter's channel plays here: a chosen booth nobody staffs
   * yet, or a page that watches over HLS (which has no channels), keeps the floor at full level.
   */
  #applyFloor(): void {
    this.floor.volume = this.#language === null || this.#elements.size === 0 ? 1 : this.#floorLevel;
  }
}
