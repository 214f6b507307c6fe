import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RATE = 48_000;

/** The power of one frequency in 16-bit mono PCM (Goertzel), in dB relative to a full-scale sine. */
function goertzelDb(samples: Int16Array, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / RATE);
  let [s1, s2] = [0, 0];
  for (const sample of samples) {
    const s0 = sample / 32768 + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  // A full-scale sine over N samples gives (N/2)^2.
  const reference = (samples.length / 2) ** 2;
  return 10 * Math.log10(Math.max(power, 1e-12) / reference);
}

/**
 * How strong each frequency is in a media file's first audio stream (decoded by ffmpeg to 48 kHz mono),
 * in dB relative to a full-scale sine: which tone a rendition carries, and how loud.
 */
export async function toneLevels(file: string, frequencies: readonly number[]): Promise<Map<number, number>> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(RATE), '-f', 's16le', '-'],
    {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 20_000,
    },
  );
  const bytes = Math.floor(stdout.length / 2) * 2;
  // A copy: the decoded bytes may start at an odd offset of a shared buffer, which an Int16Array cannot view.
  const samples = new Int16Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + bytes));
  if (samples.length < RATE / 10) throw new Error(`${file}: less than 0.1 s of sound`);
  return new Map(frequencies.map((f) => [f, goertzelDb(samples, f)]));
}

/** A mono 16-bit PCM WAV of a pure tone: what Chromium's fake microphone plays in a loop. */
export function toneWav(frequency: number, seconds = 4, sampleRate = 48_000): Buffer {
  const samples = seconds * sampleRate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), 44 + i * 2);
  return wav;
}
