import type { AudioRendition } from './audioRenditions';
import type { Rendition } from './HlsEncoder';

export interface PlaylistSegment {
  /** Media sequence number: rises by one per segment for the life of the stage's stream. */
  sequence: number;
  durationS: number;
  /** Wall-clock time of the segment's first frame. */
  programDateTime: Date;
  /** The encoder restarted (or the codec changed) before this segment: timestamps start afresh. */
  discontinuity: boolean;
}

/**
 * The sliding window of one rendition's playlist. Segments leave it from the front; a leaving
 * segment that carried a discontinuity raises EXT-X-DISCONTINUITY-SEQUENCE, as RFC 8216 asks.
 */
export class VariantWindow {
  readonly #segments: PlaylistSegment[] = [];
  #discontinuitySequence = 0;

  constructor(private readonly windowSize: number) {}

  /** Adds a segment; answers the ones that left the window (their files may go). */
  add(segment: PlaylistSegment): PlaylistSegment[] {
    this.#segments.push(segment);
    const gone = this.#segments.splice(0, Math.max(0, this.#segments.length - this.windowSize));
    this.#discontinuitySequence += gone.filter((s) => s.discontinuity).length;
    return gone;
  }

  get segments(): readonly PlaylistSegment[] {
    return this.#segments;
  }

  /** `uri(sequence)` names a segment as the player should fetch it (with the playback token, where there is one). */
  render(targetDurationS: number, uri: (sequence: number) => string): string {
    const first = this.#segments[0];
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-TARGETDURATION:${Math.max(targetDurationS, ...this.#segments.map((s) => Math.round(s.durationS)))}`,
      `#EXT-X-MEDIA-SEQUENCE:${first?.sequence ?? 0}`,
      `#EXT-X-DISCONTINUITY-SEQUENCE:${this.#discontinuitySequence}`,
    ];
    for (const segment of this.#segments) {
      if (segment.discontinuity && segment !== first) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
      lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`);
      lines.push(uri(segment.sequence));
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Audio renditions' group id in the master playlist (one group: every video variant carries the same choice). */
export const AUDIO_GROUP = 'aac';

/**
 * The master playlist: one variant per rendition, H.264 Main with AAC-LC. With audio renditions (a
 * stage with interpretation), each is listed with `EXT-X-MEDIA` (the floor the default) and every
 * variant names their group; a player then takes its sound from the chosen rendition.
 */
export function renderMaster(
  renditions: readonly Rendition[],
  audioKbps: number,
  frameRate: number,
  uri: (index: number) => string,
  audio: { renditions: readonly AudioRendition[]; uri: (name: string) => string } = { renditions: [], uri: () => '' },
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const a of audio.renditions) {
    const language = a.language === null ? '' : `,LANGUAGE="${a.language}"`;
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP}"${language},NAME="${quoted(a.displayName)}",` +
        `DEFAULT=${a.isFloor ? 'YES' : 'NO'},AUTOSELECT=YES,CHANNELS="2",URI="${audio.uri(a.name)}"`,
    );
  }
  const group = audio.renditions.length > 0 ? `,AUDIO="${AUDIO_GROUP}"` : '';
  renditions.forEach((r, i) => {
    // Peak: the video's maxrate plus the audio, plus ~10 % for the MPEG-TS packaging.
    const bandwidth = Math.round((r.videoKbps + audioKbps) * 1000 * 1.1);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${r.width}x${r.height},FRAME-RATE=${frameRate.toFixed(3)},CODECS="avc1.4d401f,mp4a.40.2",NAME="${r.name}"${group}`,
    );
    lines.push(uri(i));
  });
  return `${lines.join('\n')}\n`;
}

/** A quoted-string of RFC 8216 cannot hold a double quote or a line break. */
function quoted(text: string): string {
  return text.replace(/["\r\n]/g, '');
}
