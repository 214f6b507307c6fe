// The wall clock carried through the HLS path in the picture itself: the hall feed burns the time each
// frame was made (ms since the epoch, low 32 bits) into its top rows as 32 black or white blocks, and
// the benchmark reads it back from the first frame of a listed segment. No clock of the server is
// trusted: what is measured is the feed's clock against the reader's, on one machine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { IngestTargetDto } from '../ffmpegIngest';

const run = promisify(execFile);
const BITS = 32;

/** ffmpeg arguments for a 720p30 H.264 hall feed with the clock burnt in, and a tone, pushed as RTP. */
export function stampedFeedArgs(target: IngestTargetDto, size = '1280x720'): string[] {
  const [width = 1280] = size.split('x').map(Number);
  const block = Math.floor(width / BITS);
  // Frames are stamped as they leave the (real-time paced) source: settb/setpts put the wall clock in
  // the frame's time, geq draws its bits, and the stream's own times start again at zero.
  const clock =
    `[0:v]format=yuv420p,settb=1/1000,setpts=RTCTIME/1000,split[main][strip];` +
    `[strip]crop=${block * BITS}:48:0:0,geq=lum='255*mod(floor(T*1000/pow(2\\,${BITS - 1}-floor(X/${block})))\\,2)':cb=128:cr=128[bar];` +
    `[main][bar]overlay=0:0,setpts=PTS-STARTPTS[v]`;
  const rtp = (t: IngestTargetDto['video']): string => `rtp://${target.ip}:${t.port}?rtcpport=${t.rtcpPort}&pkt_size=1200`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`],
    ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-filter_complex', clock, '-map', '[v]'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-b:v', '2500k'],
    ...['-g', '30', '-keyint_min', '30', '-pix_fmt', 'yuv420p'],
    ...['-ssrc', String(target.video.ssrc), '-payload_type', String(target.video.payloadType), '-f', 'rtp', rtp(target.video)],
    ...['-map', '1:a:0', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '96k'],
    ...['-ssrc', String(target.audio.ssrc), '-payload_type', String(target.audio.payloadType), '-f', 'rtp', rtp(target.audio)],
  ];
}

/** The stamp of a segment's first video frame, as ms since the epoch; null when it cannot be read. */
export async function readStamp(segmentFile: string, nowMs = Date.now()): Promise<number | null> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', segmentFile, '-frames:v', '1'],
      // Inside the strip (it is 48/720 of the height), each block averaged to one pixel.
      ...['-vf', `crop=iw:ih*0.05:0:ih*0.008,scale=${BITS}:1:flags=area,format=gray`, '-f', 'rawvideo', '-'],
    ],
    { encoding: 'buffer', timeout: 10_000 },
  );
  if (stdout.length !== BITS) return null;
  let low = 0;
  for (const level of stdout) low = low * 2 + (level > 127 ? 1 : 0);
  // The high bits are the reader's: the stamp is the nearest time to now with these low 32 bits.
  const span = 2 ** BITS;
  let stamp = nowMs - (nowMs % span) + low;
  if (stamp > nowMs + span / 2) stamp -= span;
  return stamp;
}
