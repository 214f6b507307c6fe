import { type FfmpegIngestOptions, ffmpegIngestArgs, type IngestTargetDto } from '../../scripts/ffmpegIngest';
import { type GroupProcess, spawnGroup } from '../../scripts/lib/processGroup';

/**
 * ffmpeg pushing a test pattern (or a file) to an ingest target, as `npm run ingest` does, in a process
 * group of its own: `stop()` ends it whatever state it is in, and resolves once it is gone.
 */
export function startEncoder(target: IngestTargetDto, options: FfmpegIngestOptions = {}): GroupProcess {
  return spawnGroup('ffmpeg', ffmpegIngestArgs(target, options));
}
