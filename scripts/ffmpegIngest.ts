import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** What the server answers when asked for the on-site feed's RTP ports (media/ingest.ts IngestTarget). */
export interface RtpTargetDto {
  port: number;
  rtcpPort: number;
  payloadType: number;
  ssrc: number;
  mimeType: string;
}

export interface IngestTargetDto {
  ip: string;
  video: RtpTargetDto;
  audio: RtpTargetDto;
}

export interface FfmpegIngestOptions {
  /** A media file to loop; a moving test pattern with a 440 Hz tone when absent. */
  file?: string;
  /** Test pattern size, e.g. 1280x720. */
  size?: string;
  /** The lavfi source of the test pattern (default `testsrc2`; e.g. `color=c=red` for a solid colour). */
  pattern?: string;
  /** With the test pattern: digital silence instead of the 440 Hz tone (a muted microphone, a feed without sound). */
  silent?: boolean;
  videoBitrate?: string;
  /** Frames between key frames (default 30: one a second). ffmpeg ignores PLI, so this bounds a switch. */
  keyframeInterval?: number;
  /** Opus frame length (default 20 ms); 60 ms sends a third of the packets, for load tests. */
  audioFrameMs?: 20 | 40 | 60;
  /** Push a file already in VP8/H264 + Opus without re-encoding (no encoder load in a benchmark). */
  copyCodecs?: boolean;
}

function rtpUrl(ip: string, target: RtpTargetDto): string {
  return `rtp://${ip}:${target.port}?rtcpport=${target.rtcpPort}&pkt_size=1200`;
}

function hasAudio(file: string): boolean {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=index', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout.trim().length > 0;
}

/** ffmpeg arguments that encode (in real time) and push one video and one audio RTP stream. */
export function ffmpegIngestArgs(target: IngestTargetDto, options: FfmpegIngestOptions = {}): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  let audioInput = '1:a:0';
  if (options.file) {
    args.push('-re', '-stream_loop', '-1', '-i', options.file);
    if (hasAudio(options.file)) audioInput = '0:a:0';
    else args.push('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
  } else {
    const pattern = options.pattern ?? 'testsrc2';
    args.push('-re', '-f', 'lavfi', '-i', `${pattern}${pattern.includes('=') ? ':' : '='}size=${options.size ?? '1280x720'}:rate=30`);
    args.push('-re', '-f', 'lavfi', '-i', options.silent ? 'anullsrc=r=48000:cl=stereo' : 'sine=frequency=440:sample_rate=48000');
  }
  const keyframes = String(options.keyframeInterval ?? 30);
  const gop = ['-g', keyframes, '-keyint_min', keyframes, '-pix_fmt', 'yuv420p'];
  const bitrate = options.videoBitrate ?? '1500k';
  const video =
    target.video.mimeType.toLowerCase() === 'video/h264'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-b:v', bitrate, ...gop]
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', bitrate, ...gop];
  const videoCodec = options.copyCodecs ? ['-c:v', 'copy'] : video;
  args.push('-map', '0:v:0', ...videoCodec, '-ssrc', String(target.video.ssrc), '-payload_type', String(target.video.payloadType));
  args.push('-f', 'rtp', rtpUrl(target.ip, target.video));
  const audioCodec = options.copyCodecs
    ? ['-c:a', 'copy']
    : ['-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '96k', '-frame_duration', String(options.audioFrameMs ?? 20)];
  args.push('-map', audioInput, ...audioCodec);
  args.push('-ssrc', String(target.audio.ssrc), '-payload_type', String(target.audio.payloadType));
  args.push('-f', 'rtp', rtpUrl(target.ip, target.audio));
  return args;
}

/** Encoders this process started; they would otherwise outlive it if it crashes. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export function spawnFfmpegIngest(target: IngestTargetDto, options: FfmpegIngestOptions = {}): ChildProcess {
  const child = spawn('ffmpeg', ffmpegIngestArgs(target, options), { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const encoder of running) encoder.kill('SIGKILL');
    });
  }
  return child;
}
