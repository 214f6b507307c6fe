import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnGroup } from '../../scripts/lib/processGroup';

const INGEST = path.join(__dirname, '../../scripts/ingest.ts');

export interface IngestProcess {
  child: ChildProcess;
  output(): string;
  /** Names of the processes still in the ingest's process group (the script itself and its ffmpeg). */
  members(): string[];
  /** SIGTERM, then SIGKILL to the whole group if anything lingers; resolves once the group is empty. */
  stop(): Promise<void>;
}

/**
 * Runs `scripts/ingest.ts <stage> --server <url>` (ffmpeg test pattern) in a process group of its own,
 * so its ffmpeg can be found and, if need be, ended with it.
 */
export function startIngest(serverUrl: string, stagePath: string, size = '320x180'): IngestProcess {
  // The script mints its own host token from the development secret, like the test server signs with.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  delete env.JWT_SECRET;
  const group = spawnGroup(process.execPath, ['--import', 'tsx', INGEST, stagePath, '--server', serverUrl, '--size', size], { env });
  return {
    child: group.child,
    output: group.output,
    members: group.members,
    // The script stops its ffmpeg on SIGTERM; whatever is still there after a grace period is killed.
    stop: () => group.stop(5000),
  };
}
