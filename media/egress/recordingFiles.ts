import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { iso639_2 } from './iso639';

/** One segment kept for a recording, as its index file lists it. */
interface KeptSegment {
  sequence: number;
  programDateTimeMs: number;
  durationS: number;
}

const INDEX = 'segments.jsonl';
/** The languages of a recording's sound (written when it begins; read when it is finalised, also after a kill). */
const TRACKS = 'tracks.json';
/** An interpretation channel's segments are kept in a directory of their own, named like its HLS rendition. */
const CHANNEL_DIR = /^audio-[a-z0-9-]+$/;

/** What a recording's sound is: the floor's language, and the channels in the stage's order. */
export interface RecordingTracks {
  floor: string | null;
  channels: string[];
}

/** Notes the languages a recording's tracks will be tagged with. */
export function writeTracks(dir: string, tracks: RecordingTracks): void {
  fs.writeFileSync(path.join(dir, TRACKS), JSON.stringify(tracks));
}

function readTracks(dir: string): RecordingTracks {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, TRACKS), 'utf8')) as Partial<RecordingTracks>;
    return {
      floor: typeof parsed.floor === 'string' ? parsed.floor : null,
      channels: Array.isArray(parsed.channels) ? parsed.channels : [],
    };
  } catch {
    return { floor: null, channels: [] };
  }
}

/** Where a channel's segments are kept within a recording's parts. */
export function channelDir(dir: string, renditionName: string): string {
  return path.join(dir, renditionName);
}

/**
 * Keeps a listed HLS segment for a recording: a hard link (no copy; the HLS window may delete its
 * own name), a copy across file systems. The index line is written after the file, so whatever the
 * index names is on disk even if the process is killed between the two.
 */
export function keepSegment(dir: string, segment: { file: string; sequence: number; programDateTime: Date; durationS: number }): void {
  const target = path.join(dir, `${segment.sequence}.ts`);
  try {
    fs.linkSync(segment.file, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'EXDEV') throw error;
    fs.copyFileSync(segment.file, target);
  }
  const line: KeptSegment = {
    sequence: segment.sequence,
    programDateTimeMs: segment.programDateTime.getTime(),
    durationS: segment.durationS,
  };
  fs.appendFileSync(path.join(dir, INDEX), `${JSON.stringify(line)}\n`);
}

function keptSegments(dir: string): KeptSegment[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, INDEX), 'utf8');
  } catch {
    return [];
  }
  const kept: KeptSegment[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as KeptSegment;
      if (Number.isInteger(entry.sequence) && fs.existsSync(path.join(dir, `${entry.sequence}.ts`))) kept.push(entry);
    } catch {
      // A line cut short by a kill: the segments before it are what there is.
    }
  }
  return kept.sort((a, b) => a.sequence - b.sequence);
}

/** Runs ffmpeg; rejects with the tail of its error output. */
function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`))));
  });
}

/** The duration of a media file, by ffprobe. */
function probeDuration(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(Number.parseFloat(out) || 0));
  });
}

/** The segments of `dir` within [fromMs, toMs] (to the last one when `toMs` is null). */
function segmentsWithin(dir: string, fromMs: number, toMs: number | null): KeptSegment[] {
  return keptSegments(dir).filter(
    (s) => s.programDateTimeMs + s.durationS * 1000 > fromMs && (toMs === null || s.programDateTimeMs < toMs),
  );
}

/** A concat list of the segments (ffmpeg's concat demuxer reads one), as an input of the join. */
function concatInput(dir: string, segments: readonly KeptSegment[], offsetS: number): string[] {
  const list = path.join(dir, 'concat.txt');
  fs.writeFileSync(list, segments.map((s) => `file '${s.sequence}.ts'\n`).join(''));
  return [...(offsetS === 0 ? [] : ['-itsoffset', offsetS.toFixed(3)]), '-f', 'concat', '-safe', '0', '-i', list];
}

/** The kept channels, in the stage's order (those added later after, by name). */
function channelDirs(dir: string, tracks: RecordingTracks): string[] {
  const found = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && CHANNEL_DIR.test(e.name));
  const rank = (name: string): number => {
    const at = tracks.channels.findIndex((tag) => `audio-${tag.toLowerCase()}` === name);
    return at === -1 ? tracks.channels.length : at;
  };
  return found.map((e) => e.name).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Joins the kept segments that overlap [fromMs, toMs] (to the last one when `toMs` is null) into one
 * MP4 with its index at the front (faststart), without re-encoding, then removes the segments. The cut
 * falls on segment boundaries: the file may start and end up to a segment early or late. Answers null
 * when nothing was kept.
 *
 * The top rendition gives the picture and the floor's sound (the first audio track); each
 * interpretation channel kept beside it becomes one more audio track, tagged with its language (ISO
 * 639-2, as MP4 has it). A channel added during the session starts where its first segment does.
 */
export async function finaliseRecording(
  dir: string,
  out: string,
  cut: { fromMs: number; toMs: number | null },
): Promise<{ durationS: number; bytes: number } | null> {
  const chosen = segmentsWithin(dir, cut.fromMs, cut.toMs);
  if (chosen.length === 0) return null;
  const tracks = readTracks(dir);
  const inputs = concatInput(dir, chosen, 0);
  const maps = ['-map', '0:v:0?', '-map', '0:a:0?'];
  const languages = ['-metadata:s:a:0', `language=${iso639_2(tracks.floor)}`];
  const firstMs = chosen[0].programDateTimeMs;
  const lastEndMs = (chosen.at(-1)?.programDateTimeMs ?? firstMs) + (chosen.at(-1)?.durationS ?? 0) * 1000;
  // Input n (from 1) is the n-th channel kept, and becomes audio track n (track 0: the floor).
  let track = 0;
  for (const name of channelDirs(dir, tracks)) {
    const segments = segmentsWithin(path.join(dir, name), Math.max(cut.fromMs, firstMs), lastEndMs);
    if (segments.length === 0) continue;
    track += 1;
    inputs.push(...concatInput(path.join(dir, name), segments, Math.max(0, (segments[0].programDateTimeMs - firstMs) / 1000)));
    maps.push('-map', `${track}:a:0`);
    languages.push(`-metadata:s:a:${track}`, `language=${iso639_2(name.slice('audio-'.length))}`);
  }
  const partial = `${out}.part.mp4`;
  await ffmpeg([
    '-v',
    'error',
    '-y',
    ...inputs,
    ...maps,
    '-c',
    'copy',
    '-bsf:a',
    'aac_adtstoasc',
    ...languages,
    '-movflags',
    '+faststart',
    partial,
  ]);
  fs.renameSync(partial, out);
  for (const entry of fs.readdirSync(dir))
    if (entry.endsWith('.ts') || entry === 'concat.txt' || entry === INDEX || entry === TRACKS || CHANNEL_DIR.test(entry))
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  return { durationS: await probeDuration(out), bytes: fs.statSync(out).size };
}

/** Free bytes for an unprivileged writer on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  fs.mkdirSync(dir, { recursive: true });
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}
