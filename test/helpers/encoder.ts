import { type FfmpegIngestOptions, ffmpegIngestArgs, type IngestTargetDto } from '../../scripts/ffmpegIngest';
import { type GroupProcess, spawnGroup } from '../../scripts/lib/processGroup';

/**
 * ffmpeg pushing a test pattern (or a file) to an ingest target, as `npm run ingest` does, in a process
 * group of its own: `stop()` ends it whatever state it is in, and resolves once it is gone.
 */
export function startEncoder(target: IngestTargetDto, options: FfmpegIngestOptions = {}): GroupProcess {
  return spawnGroup('ffmpeg', ffmpegIngestArgs(target, options));
}

/**
 * ffmpeg as a hall encoder: a moving test pattern with a tone, H264 without B-frames (or High with
 * them) and AAC, pushed as RTMP (FLV) or SRT (MPEG-TS) to `url`, in a process group of its own.
 */
export function pushListenerFeed(url: string, video: 'baseline' | 'high-with-b-frames' = 'baseline'): GroupProcess {
  const profile = video === 'baseline' ? ['-profile:v', 'baseline', '-bf', '0'] : ['-profile:v', 'high', '-bf', '2'];
  return spawnGroup('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', ...profile, '-g', '30', '-pix_fmt', 'yuv420p', '-b:v', '800k'],
    ...['-c:a', 'aac', '-b:a', '96k', '-f', url.startsWith('srt:') ? 'mpegts' : 'flv', url],
  ]);
}
