import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import readline from 'node:readline';
import type { MediaKind } from '../types';

/** What ffmpeg says of the encoder's input: the stage's health shows it. */
export interface EncoderInput {
  videoCodec: string | null;
  /** The H264 profile as ffmpeg names it (`Constrained Baseline`, `High`…). */
  videoProfile: string | null;
  width: number | null;
  height: number | null;
  audioCodec: string | null;
  /** The video is transcoded (not remuxable H264); null until the input is known. */
  transcoded: boolean | null;
}

export interface ListenerEncoderEvents {
  /** The stream key the encoder published with (RTMP's stream name, SRT's streamid). */
  key: [string];
  input: [EncoderInput];
  packet: [MediaKind, Buffer];
  exit: [{ code: number | null; stderr: string }];
}

/** `Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 640x360 [SAR…` */
const VIDEO_LINE = /Stream #0:\d+.*?: Video: (\w+)(?: \(([^)]*)\))?.*?, (\d{2,5})x(\d{2,5})/;
const AUDIO_LINE = /Stream #0:\d+.*?: Audio: (\w+)/;
/** ffmpeg's RTMP listener accepts every stream name and says which one it got. */
const RTMP_STREAM_LINE = /Unexpected stream (\S+), expecting _/;

async function bindLoopback(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

/** ffmpeg (Debian's) in a process group of its own that dies with this process even on SIGKILL. */
function spawnFfmpeg(args: string[], stdio: ('ignore' | 'pipe')[]): ChildProcess {
  return spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...args], { stdio, detached: true });
}

function killGroup(child: ChildProcess | null): void {
  const pid = child?.pid;
  if (!child || pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** H264 that can go to viewers as it is: profiles without B-frames (WebRTC decoders expect none). */
function remuxable(input: EncoderInput): boolean {
  return input.videoCodec === 'h264' && /^(Constrained )?Baseline$/.test(input.videoProfile ?? '');
}

/**
 * One encoder connection, served by two ffmpeg processes (Debian's). The listener waits on a loopback
 * port for the encoder (RTMP's FLV or SRT's MPEG-TS), says what it carries, and passes it on without
 * decoding, as MPEG-TS on a pipe. The shaper, started once the input is known, keeps H264 Baseline as it
 * is (remux) and transcodes anything else (other codecs, profiles that may carry B-frames) to H264
 * Constrained Baseline; it turns AAC into Opus, and sends both as RTP to two sockets of this object,
 * which emits each packet.
 */
export class ListenerEncoder extends EventEmitter<ListenerEncoderEvents> {
  readonly #listener: ChildProcess;
  #shaper: ChildProcess | null = null;
  readonly #sockets: [dgram.Socket, dgram.Socket];
  #stderr = '';
  #input: EncoderInput = { videoCodec: null, videoProfile: null, width: null, height: null, audioCodec: null, transcoded: null };
  #closed = false;
  #exited = false;

  private constructor(input: string[], video: dgram.Socket, audio: dgram.Socket) {
    super();
    this.#sockets = [video, audio];
    this.#listener = spawnFfmpeg(
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats', '-analyzeduration', '1000000', ...input],
        ...['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'mpegts', 'pipe:1'],
      ],
      ['ignore', 'pipe', 'pipe'],
    );
    video.on('message', (packet) => this.emit('packet', 'video', packet));
    audio.on('message', (packet) => this.emit('packet', 'audio', packet));
    if (this.#listener.stderr) readline.createInterface({ input: this.#listener.stderr }).on('line', (line) => this.#read(line));
    this.#listener.once('error', (error) => (this.#stderr += `\n${error.message}`));
    this.#listener.once('close', (code) => this.#finish(code));
  }

  /** ffmpeg listening for RTMP on `port` (loopback). */
  static async rtmp(port: number): Promise<ListenerEncoder> {
    const [video, audio] = await Promise.all([bindLoopback(), bindLoopback()]);
    return new ListenerEncoder(['-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/_`], video, audio);
  }

  /** ffmpeg listening for one SRT caller on `port` (loopback), MPEG-TS inside; `passphrase` empty: unencrypted. */
  static async srt(port: number, passphrase: string): Promise<ListenerEncoder> {
    const [video, audio] = await Promise.all([bindLoopback(), bindLoopback()]);
    // ffmpeg takes SRT latency in microseconds.
    const options = ['mode=listener', 'transtype=live', 'latency=120000', ...(passphrase ? [`passphrase=${passphrase}`] : [])];
    return new ListenerEncoder(['-f', 'mpegts', '-i', `srt://127.0.0.1:${port}?${options.join('&')}`], video, audio);
  }

  get input(): EncoderInput {
    return this.#input;
  }

  /** Ends both ffmpeg processes (their whole groups). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    killGroup(this.#listener);
    killGroup(this.#shaper);
    this.#closeSockets();
  }

  #startShaper(): void {
    if (this.#shaper || this.#closed) return;
    const remux = remuxable(this.#input);
    this.#input = { ...this.#input, transcoded: !remux };
    this.emit('input', this.#input);
    const rtp = (socket: dgram.Socket): string => {
      const { port } = socket.address();
      // RTCP to the same socket: it is recognised and dropped there.
      return `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`;
    };
    const video = remux
      ? ['-c:v', 'copy']
      : [
          ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p'],
          ...['-bf', '0', '-g', '60', '-b:v', '2500k', '-maxrate', '3000k', '-bufsize', '1500k'],
        ];
    const shaper = spawnFfmpeg(
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-fflags', 'nobuffer', '-analyzeduration', '500000'],
        ...['-f', 'mpegts', '-i', 'pipe:0'],
        ...['-map', '0:v:0', ...video, '-f', 'rtp', rtp(this.#sockets[0])],
        ...['-map', '0:a:0?', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '128k', '-f', 'rtp', rtp(this.#sockets[1])],
      ],
      ['pipe', 'ignore', 'pipe'],
    );
    this.#shaper = shaper;
    shaper.stdin?.on('error', () => undefined);
    this.#listener.stdout?.pipe(shaper.stdin ?? process.stdout);
    shaper.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)));
    shaper.once('close', (code) => this.#finish(code));
  }

  #closeSockets(): void {
    for (const socket of this.#sockets) {
      try {
        socket.close();
      } catch {
        // Closed already.
      }
    }
  }

  /** Either process ended: the connection is over. */
  #finish(code: number | null): void {
    if (this.#exited) return;
    this.#exited = true;
    killGroup(this.#listener);
    killGroup(this.#shaper);
    this.#closeSockets();
    this.emit('exit', { code, stderr: this.#stderr });
  }

  #read(line: string): void {
    this.#stderr = (this.#stderr + line + '\n').slice(-4000);
    const key = RTMP_STREAM_LINE.exec(line);
    if (key?.[1]) this.emit('key', key[1]);
    // The listener is about to write: the input is known, and the shaper can be chosen.
    if (line.startsWith('Stream mapping:')) this.#startShaper();
    const video = VIDEO_LINE.exec(line);
    if (video && line.includes('#0:') && !line.includes('->')) {
      this.#input = {
        ...this.#input,
        videoCodec: video[1] ?? null,
        videoProfile: video[2] ?? null,
        width: Number(video[3]),
        height: Number(video[4]),
      };
      this.emit('input', this.#input);
    }
    const audio = AUDIO_LINE.exec(line);
    if (audio && !line.includes('->') && this.#input.audioCodec === null) {
      this.#input = { ...this.#input, audioCodec: audio[1] ?? null };
      this.emit('input', this.#input);
    }
  }
}
