import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { VideoCodecName } from './keyframes';

/** One rung of the ladder: an output size and its video bitrate. */
export interface Rendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

export interface LadderOptions {
  renditions: readonly Rendition[];
  audioKbps: number;
  segmentSeconds: number;
  frameRate: number;
}

/** What the encoder is fed: the relay's streams (payload types as the relay writes them). */
export interface EncoderInput {
  videoCodec: VideoCodecName;
  videoPayloadType: number;
  audioPayloadType: number;
  /**
   * Interpretation channels (BCP 47), each an Opus stream of its own: with any, the encoder also writes
   * audio-only renditions, the floor's first and then one per channel in this order.
   */
  channels: readonly string[];
  /** How loud the floor is mixed under each channel (0: the interpreter alone). */
  floorLevel: number;
}

/** Where the encoder listens for each stream of the relay. */
export interface EncoderPorts {
  video: number;
  audio: number;
  /** One per channel, in `EncoderInput.channels` order. */
  channels: number[];
}

/**
 * A finished segment of one output, as ffmpeg's segment list reports it: `output` counts the ladder's
 * renditions first, then the audio renditions (floor, then each channel).
 */
export interface EncodedSegment {
  output: number;
  file: string;
  startS: number;
  endS: number;
}

export interface HlsEncoderEvents {
  segment: [EncodedSegment];
  /** The process ended: `code` null when a signal ended it. */
  exit: [{ code: number | null; signal: NodeJS.Signals | null; stderr: string }];
}

/** Two free consecutive UDP ports on loopback (RTP and RTCP), the first even, as RTP receivers expect. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(0, '127.0.0.1', () => resolve(probe.address().port));
    });
    probe.close();
    const even = port % 2 === 0 ? port : port + 1;
    if (even + 1 > 65535) continue;
    const free = await Promise.all([even, even + 1].map((p) => udpPortFree(p)));
    if (free.every(Boolean)) return even;
  }
  throw new Error('no free pair of UDP ports on loopback');
}

function udpPortFree(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** The SDP that tells ffmpeg what arrives on which port. */
export function encoderSdp(input: EncoderInput, ports: EncoderPorts): string {
  const video =
    input.videoCodec === 'H264'
      ? [`a=rtpmap:${input.videoPayloadType} H264/90000`, `a=fmtp:${input.videoPayloadType} packetization-mode=1`]
      : [`a=rtpmap:${input.videoPayloadType} VP8/90000`];
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=stagecast program',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${ports.video} RTP/AVP ${input.videoPayloadType}`,
    ...video,
    `m=audio ${ports.audio} RTP/AVP ${input.audioPayloadType}`,
    `a=rtpmap:${input.audioPayloadType} opus/48000/2`,
    // The channels, in order: ffmpeg numbers them 0:a:1, 0:a:2, … after the floor's 0:a:0.
    ...ports.channels.flatMap((port) => [
      `m=audio ${port} RTP/AVP ${input.audioPayloadType}`,
      `a=rtpmap:${input.audioPayloadType} opus/48000/2`,
    ]),
    '',
  ].join('\r\n');
}

/** The segment muxer's part of an output's arguments: MPEG-TS segments, their list to pipe `fd`. */
function segmentArgs(segmentSeconds: number, fd: number, pattern: string): string[] {
  return [
    '-f',
    'segment',
    '-segment_time',
    String(segmentSeconds),
    '-segment_format',
    'mpegts',
    '-segment_list',
    `pipe:${fd}`,
    '-segment_list_type',
    'csv',
    '-segment_list_flags',
    '+live',
    pattern,
  ];
}

/**
 * The filters that make each channel's sound: the interpreter over the floor at `floorLevel` (what a
 * WebRTC listener of that channel hears while the interpreter speaks), or the interpreter alone at 0.
 * `aresample=async=1` fills a gap in a stream's timestamps (a handover, a lost packet) with silence, so
 * the two inputs of a mix stay in step. Answers the graph and the label of each channel's output.
 */
function channelFilters(channels: number, floorLevel: number): { graph: string[]; labels: string[] } {
  const graph: string[] = [];
  const labels: string[] = [];
  if (channels === 0) return { graph, labels };
  const floors = Array.from({ length: channels }, (_c, k) => `[fl${k}]`).join('');
  if (floorLevel > 0) graph.push(`[0:a:0]aresample=async=1,volume=${floorLevel.toFixed(3)},asplit=${channels}${floors}`);
  for (let k = 0; k < channels; k++) {
    const alone = `[ch${k}]`;
    graph.push(`[0:a:${k + 1}]aresample=async=1${alone}`);
    if (floorLevel > 0) {
      graph.push(`${alone}[fl${k}]amix=inputs=2:duration=first:normalize=0[mix${k}]`);
      labels.push(`[mix${k}]`);
    } else {
      labels.push(alone);
    }
  }
  return { graph, labels };
}

/**
 * ffmpeg's arguments: decode the program once, scale it into each rendition (letterboxed to a fixed
 * size, so a source of another shape changes nothing downstream), encode H.264 with a key frame at
 * every segment boundary and AAC, and cut MPEG-TS segments whose list goes to a pipe per output
 * (fd 3, 4, …), read as segments complete. With interpretation channels, audio-only outputs follow the
 * ladder's: the floor, then each channel; the video renditions keep the floor muxed in as before (for
 * players that ignore alternative audio, and the recordings' first track). Every output counts its
 * time from the same input clock, so audio segments are cut within an audio frame of the video's.
 */
export function encoderArgs(
  sdpFile: string,
  workDir: string,
  ladder: LadderOptions,
  audio: Pick<EncoderInput, 'channels' | 'floorLevel'>,
): string[] {
  const { renditions, frameRate, segmentSeconds } = ladder;
  const splits = renditions.map((_r, i) => `[s${i}]`).join('');
  const scales = renditions
    .map(
      (r, i) =>
        `[s${i}]scale=${r.width}:${r.height}:force_original_aspect_ratio=decrease,` +
        `pad=${r.width}:${r.height}:(ow-iw)/2:(oh-ih)/2,setsar=1[v${i}]`,
    )
    .join(';');
  const mixes = channelFilters(audio.channels.length, audio.floorLevel);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts'];
  args.push('-analyzeduration', '1000000', '-i', sdpFile);
  args.push('-filter_complex', [`[0:v:0]fps=${frameRate},split=${renditions.length}${splits}`, scales, ...mixes.graph].join(';'));
  const aac = ['-c:a', 'aac', '-b:a', `${ladder.audioKbps}k`, '-ar', '48000', '-ac', '2'];
  renditions.forEach((r, i) => {
    const kbps = r.videoKbps;
    args.push('-map', `[v${i}]`, '-map', '0:a:0');
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p');
    args.push('-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`);
    args.push(
      '-g',
      String(frameRate * segmentSeconds),
      '-sc_threshold',
      '0',
      '-force_key_frames',
      `expr:gte(t,n_forced*${segmentSeconds})`,
    );
    args.push(...aac, ...segmentArgs(segmentSeconds, 3 + i, path.join(workDir, `r${i}-%06d.ts`)));
  });
  if (audio.channels.length > 0) {
    const outputs = ['0:a:0', ...mixes.labels];
    outputs.forEach((input, j) => {
      args.push('-map', input, ...aac, ...segmentArgs(segmentSeconds, 3 + renditions.length + j, path.join(workDir, `a${j}-%06d.ts`)));
    });
  }
  return args;
}

/** How many segment lists the encoder writes: one per video rendition, and with channels the floor's and one each. */
export function outputCount(ladder: LadderOptions, channels: number): number {
  return ladder.renditions.length + (channels > 0 ? channels + 1 : 0);
}

/**
 * One ffmpeg process transcoding the program into the ladder. It runs in a process group of its
 * own and dies with this process even on SIGKILL (`setpriv --pdeathsig`), so no encoder outlives
 * the node that started it.
 */
export class HlsEncoder extends EventEmitter<HlsEncoderEvents> {
  #child: ChildProcess | null = null;
  #stderr = '';
  #stopped = false;

  private constructor(readonly ports: EncoderPorts) {
    super();
  }

  static async start(input: EncoderInput, workDir: string, ladder: LadderOptions): Promise<HlsEncoder> {
    const taken = new Set<number>();
    const pair = async (): Promise<number> => {
      for (;;) {
        const port = await freePortPair();
        if (!taken.has(port)) {
          taken.add(port);
          return port;
        }
      }
    };
    const ports: EncoderPorts = { video: await pair(), audio: await pair(), channels: [] };
    for (let k = 0; k < input.channels.length; k++) ports.channels.push(await pair());
    fs.mkdirSync(workDir, { recursive: true });
    const sdpFile = path.join(workDir, 'program.sdp');
    fs.writeFileSync(sdpFile, encoderSdp(input, ports));
    const encoder = new HlsEncoder(ports);
    encoder.#spawn(sdpFile, workDir, ladder, input);
    return encoder;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  #spawn(sdpFile: string, workDir: string, ladder: LadderOptions, input: EncoderInput): void {
    const outputs = outputCount(ladder, input.channels.length);
    const lists = Array.from({ length: outputs }, () => 'pipe' as const);
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...encoderArgs(sdpFile, workDir, ladder, input)], {
      stdio: ['ignore', 'ignore', 'pipe', ...lists],
      detached: true,
    });
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    lists.forEach((_l, i) => {
      const stream = child.stdio[3 + i];
      if (!stream || !('on' in stream)) return;
      readline.createInterface({ input: stream as NodeJS.ReadableStream }).on('line', (line) => {
        const segment = parseSegmentLine(i, line, workDir);
        if (segment) this.emit('segment', segment);
      });
    });
    child.once('error', (error) => {
      this.#stderr += `\n${error.message}`;
    });
    child.once('close', (code, signal) => {
      this.#child = null;
      this.emit('exit', { code, signal, stderr: this.#stderr });
    });
  }

  /** Ends the encoder (its whole process group); resolves once it is gone. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
    signalGroup(child.pid, 'SIGTERM');
    const kill = setTimeout(() => signalGroup(child.pid ?? 0, 'SIGKILL'), 2000);
    await gone;
    clearTimeout(kill);
  }

  get stopped(): boolean {
    return this.#stopped;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** `r0-000012.ts,24.000000,26.000000` → the segment, its file made absolute. */
function parseSegmentLine(output: number, line: string, workDir: string): EncodedSegment | null {
  const [file, start, end] = line.trim().split(',');
  const startS = Number(start);
  const endS = Number(end);
  if (!file || !Number.isFinite(startS) || !Number.isFinite(endS) || endS <= startS) return null;
  return { output, file: path.isAbsolute(file) ? file : path.join(workDir, path.basename(file)), startS, endS };
}
