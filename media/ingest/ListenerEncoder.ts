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

/**
 * One ffmpeg (Debian's) listening for one encoder connection on a loopback port: it takes the FLV of
 * RTMP or the MPEG-TS of SRT, keeps the H264 as it is (Annex B, parameter sets before each key frame) and turns AAC into
 * Opus, and sends both as RTP to two sockets of this object, which emits each packet. It runs in a
 * process group of its own and dies with this process (`setpriv --pdeathsig`).
 */
export class ListenerEncoder extends EventEmitter<ListenerEncoderEvents> {
  readonly #child: ChildProcess;
  readonly #sockets: dgram.Socket[];
  #stderr = '';
  #input: EncoderInput = { videoCodec: null, videoProfile: null, width: null, height: null, audioCodec: null };
  #closed = false;

  private constructor(input: string[], video: dgram.Socket, audio: dgram.Socket) {
    super();
    this.#sockets = [video, audio];
    const rtp = (socket: dgram.Socket): string => {
      const { port } = socket.address();
      // RTCP to the same socket: it is recognised and dropped there.
      return `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`;
    };
    const args = [
      ...['-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats'],
      ...['-analyzeduration', '1000000', ...input],
      ...['-map', '0:v:0', '-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'rtp', rtp(video)],
      ...['-map', '0:a:0?', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '128k', '-f', 'rtp', rtp(audio)],
    ];
    this.#child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    video.on('message', (packet) => this.emit('packet', 'video', packet));
    audio.on('message', (packet) => this.emit('packet', 'audio', packet));
    if (this.#child.stderr) readline.createInterface({ input: this.#child.stderr }).on('line', (line) => this.#read(line));
    this.#child.once('error', (error) => (this.#stderr += `\n${error.message}`));
    this.#child.once('close', (code) => {
      this.#closeSockets();
      this.emit('exit', { code, stderr: this.#stderr });
    });
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

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Ends ffmpeg (its whole group). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pid = this.#child.pid;
    if (pid !== undefined && this.running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.#closeSockets();
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

  #read(line: string): void {
    this.#stderr = (this.#stderr + line + '\n').slice(-4000);
    const key = RTMP_STREAM_LINE.exec(line);
    if (key?.[1]) this.emit('key', key[1]);
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
