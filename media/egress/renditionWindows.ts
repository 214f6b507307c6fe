import fs from 'node:fs';
import path from 'node:path';
import type { AudioRendition } from './audioRenditions';
import { type PlaylistSegment, VariantWindow } from './playlists';

/** Segments kept on disk after they leave the playlists: a player that read the playlist just before may still fetch them. */
const KEEP_AFTER_WINDOW = 4;

/** A segment as it was listed: what recordings collect. */
export interface ListedSegment extends PlaylistSegment {
  stageKey: string;
  /** The rendition's name as served: a ladder rung (`720p`) or an audio rendition (`audio-en`). */
  name: string;
  /** Index in the ladder (0: the top rendition); null for an audio rendition. */
  rendition: number | null;
  /** What an audio rendition carries; null for a ladder rung. */
  audio: AudioRendition | null;
  file: string;
}

/** What is known of a finished segment when it is listed. */
export interface FinishedSegment {
  name: string;
  rendition: number | null;
  audio: AudioRendition | null;
  /** Where the encoder wrote it (it is moved into the rendition's directory). */
  file: string;
  durationS: number;
  programDateTime: Date;
}

/**
 * The sliding windows of a stream's renditions (ladder rungs and audio renditions alike), by name,
 * with their files under `<dir>/<name>/<sequence>.ts`. Sequence numbers start from the clock, so they
 * rise across restarts of the node too; within a rendition they never skip (a playlist's first
 * sequence numbers every segment it lists). A rendition that appears later (a language added) starts at
 * the newest sequence of the others. Players line renditions up by EXT-X-PROGRAM-DATE-TIME, which every
 * segment carries, not by sequence.
 */
export class RenditionWindows {
  readonly #windows = new Map<string, VariantWindow>();
  readonly #next = new Map<string, number>();
  /** Renditions whose next segment follows a seam (encoder restart, codec change). */
  readonly #seamNext = new Set<string>();
  readonly #start = Math.floor(Date.now() / 1000);

  constructor(
    private readonly dir: string,
    private readonly windowSegments: number,
  ) {}

  window(name: string): VariantWindow | undefined {
    return this.#windows.get(name);
  }

  /** An encoder starts: every rendition's next segment follows a seam. */
  markSeam(): void {
    for (const name of this.#windows.keys()) this.#seamNext.add(name);
  }

  /** A rendition no longer produced (its language left the stage): its playlist goes, its files with it. */
  drop(name: string): void {
    this.#windows.delete(name);
    this.#next.delete(name);
    this.#seamNext.delete(name);
    fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  /** Lists a finished segment; answers it as listed, or undefined when its file is missing. */
  add(stageKey: string, segment: FinishedSegment): ListedSegment | undefined {
    const { name } = segment;
    let window = this.#windows.get(name);
    if (!window) {
      window = new VariantWindow(this.windowSegments);
      this.#windows.set(name, window);
    }
    const sequence = this.#next.get(name) ?? Math.max(this.#start, ...this.#next.values());
    this.#next.set(name, sequence + 1);
    const dir = path.join(this.dir, name);
    const file = path.join(dir, `${sequence}.ts`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.renameSync(segment.file, file);
    } catch {
      return undefined;
    }
    const discontinuity = this.#seamNext.has(name) && window.segments.length > 0;
    this.#seamNext.delete(name);
    const listed = { sequence, durationS: segment.durationS, programDateTime: segment.programDateTime, discontinuity };
    for (const old of window.add(listed)) fs.rm(path.join(dir, `${old.sequence - KEEP_AFTER_WINDOW}.ts`), { force: true }, () => undefined);
    return { ...listed, stageKey, name, rendition: segment.rendition, audio: segment.audio, file };
  }
}
