import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** One segment kept for a recording, as its index file lists it. */
interface KeptSegment {
  sequence: number;
  programDateTimeMs: number;
  durationS: number;
}

const INDEX = 'segments.jsonl';

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

/**
 * Joins the kept segments that overlap [fromMs, toMs] (to the last one when `toMs` is null) into one
 * MP4 with its index at the front (faststart), without re-encoding, then removes the segments. The cut
 * falls on segment boundaries: the file may start and end up to a segment early or late. Answers null
 * when nothing was kept.
 */
export async function finaliseRecording(
  dir: string,
  out: string,
  cut: { fromMs: number; toMs: number | null },
): Promise<{ durationS: number; bytes: number } | null> {
  const chosen = keptSegments(dir).filter(
    (s) => s.programDateTimeMs + s.durationS * 1000 > cut.fromMs && (cut.toMs === null || s.programDateTimeMs < cut.toMs),
  );
  if (chosen.length === 0) return null;
  const list = path.join(dir, 'concat.txt');
  fs.writeFileSync(list, chosen.map((s) => `file '${s.sequence}.ts'\n`).join(''));
  const partial = `${out}.part.mp4`;
  await ffmpeg([
    '-v',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-c',
    'copy',
    '-bsf:a',
    'aac_adtstoasc',
    '-movflags',
    '+faststart',
    partial,
  ]);
  fs.renameSync(partial, out);
  for (const entry of fs.readdirSync(dir))
    if (entry.endsWith('.ts') || entry === 'concat.txt' || entry === INDEX) fs.rmSync(path.join(dir, entry));
  return { durationS: await probeDuration(out), bytes: fs.statSync(out).size };
}

/** Free bytes for an unprivileged writer on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  fs.mkdirSync(dir, { recursive: true });
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}
