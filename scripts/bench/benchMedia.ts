// Media the benchmarks push and receive: pre-encoded clips (encoded once, kept in the bench directory,
// pushed by ffmpeg in copy mode so the generator costs next to nothing), and SRTP keys for viewers on
// PlainTransports (the encryption a WebRTC viewer costs).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';

export const BENCH_DIR = path.join(os.tmpdir(), 'stagecast-bench');

/**
 * Compiles one of the benchmarks' C helpers (`<name>.c` beside this file) with gcc into BENCH_DIR and
 * answers its path. Built under a name of its own, then renamed: another run may be executing the
 * previous binary. Throws when gcc is missing.
 */
export function buildHelper(name: string): string {
  const binary = path.join(BENCH_DIR, name);
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  execFileSync('gcc', ['-O2', '-o', `${binary}.${process.pid}`, path.join(__dirname, `${name}.c`)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  fs.renameSync(`${binary}.${process.pid}`, binary);
  return binary;
}

export interface ClipSpec {
  /** File name in BENCH_DIR (a cache key: change it when the encoding changes). */
  file: string;
  size: string;
  videoBitrate: string;
  /** Frames between key frames (30 fps). */
  gop: number;
  seconds: number;
}

/** 720p VP8 ~1.5 Mbps + Opus 64 kbps: the fanout stream (~226 packets/s). */
export const CLIP_720P: ClipSpec = { file: 'clip-720p-vp8-opus.webm', size: '1280x720', videoBitrate: '1500k', gop: 60, seconds: 20 };

/** 360p VP8 ~500 kbps + Opus 64 kbps: a lighter stream for memory and soak runs (~100 packets/s). */
export const CLIP_360P: ClipSpec = { file: 'clip-360p-vp8-opus.webm', size: '640x360', videoBitrate: '500k', gop: 60, seconds: 20 };

/** The clip's path, encoding it first if this machine has not yet (about a minute for 720p). */
export function encodedClip(spec: ClipSpec, log: (message: string) => void = () => undefined): string {
  const file = path.join(BENCH_DIR, spec.file);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  log(`encoding ${spec.file} once (up to a minute)`);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${spec.size}:rate=30`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(spec.seconds),
    '-c:v',
    'libvpx',
    '-b:v',
    spec.videoBitrate,
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    String(spec.gop),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    `${file}.tmp.webm`,
  ]);
  fs.renameSync(`${file}.tmp.webm`, file);
  return file;
}

/** Fresh SRTP parameters for one PlainTransport viewer. */
export function srtpKey(): types.SrtpParameters {
  return { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') };
}
