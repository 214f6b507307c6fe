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

/** The master playlist: one variant per rendition, H.264 Main with AAC-LC. */
export function renderMaster(
  renditions: readonly Rendition[],
  audioKbps: number,
  frameRate: number,
  uri: (index: number) => string,
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  renditions.forEach((r, i) => {
    // Peak: the video's maxrate plus the audio, plus ~10 % for the MPEG-TS packaging.
    const bandwidth = Math.round((r.videoKbps + audioKbps) * 1000 * 1.1);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${r.width}x${r.height},FRAME-RATE=${frameRate.toFixed(3)},CODECS="avc1.4d401f,mp4a.40.2",NAME="${r.name}"`,
    );
    lines.push(uri(i));
  });
  return `${lines.join('\n')}\n`;
}
