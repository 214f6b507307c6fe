/** One audio rendition of the HLS stream playing: the floor (the stream's default) or a language channel. */
export interface HlsAudioTrack {
  /** BCP 47 as the master playlist says it; null when it says none. */
  language: string | null;
  name: string;
  isDefault: boolean;
}

/** What switches renditions: hls.js, or the browser's own HLS player where it has `audioTracks`. */
export interface AudioSwitch {
  tracks(): HlsAudioTrack[];
  /** Index of the rendition playing (−1: none known). */
  selected(): number;
  select(index: number): void;
}

/**
 * The viewer's language for the HLS player: the watch page's picker chooses a language (null: the floor),
 * and whatever stream plays, now or later, plays that language's audio rendition when it has one (the
 * floor otherwise). Streams of stages without interpretation have one sound and nothing to switch.
 */
export class HlsAudio {
  #wanted: string | null = null;
  #switch: AudioSwitch | null = null;
  readonly #listeners = new Set<() => void>();

  /** Chooses a language (null: the floor); applied at once and to every stream played later. */
  choose(language: string | null): void {
    this.#wanted = language;
    this.#apply();
  }

  /** Called when the stream's renditions become known or change (the picker refreshes then). */
  onTracks(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether the viewer can switch: a stream plays through something that switches renditions. */
  get switchable(): boolean {
    return this.#switch !== null;
  }

  /** The renditions and the one playing (for the page's debugging handle and tests). */
  get state(): { tracks: HlsAudioTrack[]; selected: HlsAudioTrack | null } {
    const tracks = this.#switch?.tracks() ?? [];
    return { tracks, selected: tracks[this.#switch?.selected() ?? -1] ?? null };
  }

  /** A stream plays through `audioSwitch`; `tracksChanged` is to be called whenever its renditions change. */
  attach(audioSwitch: AudioSwitch): void {
    this.#switch = audioSwitch;
    this.tracksChanged();
  }

  detach(): void {
    this.#switch = null;
  }

  tracksChanged(): void {
    this.#apply();
    for (const listener of this.#listeners) listener();
  }

  #apply(): void {
    const audio = this.#switch;
    if (!audio) return;
    const tracks = audio.tracks();
    if (tracks.length < 2) return;
    const floor = Math.max(
      0,
      tracks.findIndex((t) => t.isDefault),
    );
    const wanted = this.#wanted?.toLowerCase();
    const chosen = wanted === undefined ? -1 : tracks.findIndex((t) => t.language?.toLowerCase() === wanted);
    const target = chosen === -1 ? floor : chosen;
    if (audio.selected() !== target) audio.select(target);
  }
}

/** The browser's own audio track list (not in TypeScript's DOM types: Safari has it, Chromium only behind a flag). */
interface NativeAudioTrackList {
  readonly length: number;
  readonly [index: number]: { language: string; label: string; kind: string; enabled: boolean } | undefined;
  addEventListener(type: 'addtrack' | 'removetrack', listener: () => void): void;
}

/** The native player's renditions, where the browser exposes them; null where it does not (it then plays its default). */
export function nativeAudioSwitch(video: HTMLVideoElement, changed: () => void): AudioSwitch | null {
  const list = (video as HTMLVideoElement & { audioTracks?: NativeAudioTrackList }).audioTracks;
  if (!list) return null;
  list.addEventListener('addtrack', changed);
  list.addEventListener('removetrack', changed);
  const all = (): { language: string; label: string; kind: string; enabled: boolean }[] =>
    Array.from({ length: list.length }, (_v, i) => list[i]).filter((t) => t !== undefined);
  return {
    tracks: () => all().map((t) => ({ language: t.language || null, name: t.label, isDefault: t.kind === 'main' })),
    selected: () => all().findIndex((t) => t.enabled),
    select: (index) => all().forEach((t, i) => (t.enabled = i === index)),
  };
}
