// Feeds a stage the way the hall encoder does: asks the node for ingest ports over REST (as a host),
// then ffmpeg pushes a pre-encoded clip in copy mode; resolves once the stage's on-site source has its
// audio and video producers.
import type { ChildProcess } from 'node:child_process';
import type { SourceInfo } from '../../signaling/contract';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { tokenFor } from '../lib/inProcess';
import { waitFor } from '../lib/wait';
import { type ClipSpec, encodedClip } from './benchMedia';

export interface StageFeed {
  ffmpeg: ChildProcess;
  /** Producers of the stage once the feed arrived (audio and video). */
  producers: number;
  stop(): void;
}

export async function feedStage(
  url: string,
  stage: { eventId: string; stageId: string },
  clip: ClipSpec,
  log: (message: string) => void,
): Promise<StageFeed> {
  const file = encodedClip(clip, log);
  const headers = { authorization: `Bearer ${tokenFor('host', stage.eventId)}`, 'content-type': 'application/json' };
  const base = `${url}/api/events/${stage.eventId}/stages/${stage.stageId}`;
  const res = await fetch(`${base}/ingest`, { method: 'POST', headers, body: '{}' });
  if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  const ffmpeg = spawnFfmpegIngest((await res.json()) as IngestTargetDto, { file, copyCodecs: true });
  try {
    const producers = await waitFor(
      async () => {
        // GET …/media answers the stage's sources as the signaling contract describes them.
        const view = (await (await fetch(`${base}/media`, { headers })).json()) as { sources: SourceInfo[] };
        const count = view.sources.reduce((n, s) => n + s.producers.length, 0);
        return count >= 2 ? count : undefined;
      },
      15_000,
      'the on-site source',
    );
    return { ffmpeg, producers, stop: () => ffmpeg.kill('SIGKILL') };
  } catch (error) {
    ffmpeg.kill('SIGKILL');
    throw error;
  }
}
