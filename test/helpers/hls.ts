import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

// Asynchronous: a test's server may run in this process, and a blocked event loop would stall it.
const run = promisify(execFile);

/** A media playlist's segments and headers, as a player reads them. */
export interface MediaPlaylist {
  mediaSequence: number;
  discontinuitySequence: number;
  targetDuration: number;
  segments: { uri: string; durationS: number; programDateTime: number; discontinuity: boolean }[];
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split('\n').map((l) => l.trim());
  const header = (tag: string): number => Number(lines.find((l) => l.startsWith(`${tag}:`))?.slice(tag.length + 1) ?? NaN);
  const segments: MediaPlaylist['segments'] = [];
  let pending: { durationS?: number; programDateTime?: number; discontinuity: boolean } = { discontinuity: false };
  for (const line of lines) {
    if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pending.programDateTime = Date.parse(line.slice(25));
    else if (line.startsWith('#EXTINF:')) pending.durationS = Number.parseFloat(line.slice(8));
    else if (line !== '' && !line.startsWith('#')) {
      segments.push({
        uri: line,
        durationS: pending.durationS ?? NaN,
        programDateTime: pending.programDateTime ?? NaN,
        discontinuity: pending.discontinuity,
      });
      pending = { discontinuity: false };
    }
  }
  return {
    mediaSequence: header('#EXT-X-MEDIA-SEQUENCE'),
    discontinuitySequence: header('#EXT-X-DISCONTINUITY-SEQUENCE'),
    targetDuration: header('#EXT-X-TARGETDURATION'),
    segments,
  };
}

/** What ffprobe finds in a segment: its streams, and whether its first video frame is a key frame. */
export async function probeSegment(file: string): Promise<{ streams: string[]; firstVideoFrameIsKey: boolean }> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type:frame=key_frame,media_type', '-read_intervals', '%+#2', '-of', 'json', file],
    { timeout: 10_000 },
  );
  const parsed = JSON.parse(stdout) as { streams?: { codec_type: string }[]; frames?: { media_type: string; key_frame: number }[] };
  const firstVideo = (parsed.frames ?? []).find((f) => f.media_type === 'video');
  return { streams: (parsed.streams ?? []).map((s) => s.codec_type).sort(), firstVideoFrameIsKey: firstVideo?.key_frame === 1 };
}

/** The mean colour of a segment's first video frame (scaled to one pixel): [r, g, b]. */
export async function meanColour(file: string): Promise<[number, number, number]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=1:1,format=rgb24', '-f', 'rawvideo', '-'],
    {
      timeout: 10_000,
      encoding: 'buffer',
    },
  );
  if (stdout.length < 3) throw new Error(`ffmpeg ${file}: no frame`);
  return [stdout[0], stdout[1], stdout[2]];
}

/** An ffmpeg reading an HLS URL as a player does, decoding every video frame; `frames()` counts them. */
export interface HlsPlayer {
  frames(): number;
  errors(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export function playHls(url: string, seconds: number): HlsPlayer {
  const child: ChildProcess = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      url,
      '-t',
      String(seconds),
      '-map',
      '0:v:0',
      '-f',
      'null',
      '-progress',
      'pipe:1',
      '-',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let frames = 0;
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const match of chunk.toString().matchAll(/^frame=(\d+)$/gm)) frames = Number(match[1]);
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    frames: () => frames,
    errors: () => errors,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      await exited;
    },
  };
}
