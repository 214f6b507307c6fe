import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/net';

const INGEST = path.join(__dirname, '../../scripts/ingest.ts');

export interface IngestProcess {
  child: ChildProcess;
  output(): string;
  /** Names of the processes still in the ingest's process group (the script itself and its ffmpeg). */
  members(): string[];
  /** SIGTERM, then SIGKILL to the whole group if anything lingers; resolves once the group is empty. */
  stop(): Promise<void>;
}

/** Commands of the live processes whose process group is `pgid`, read from /proc (Linux). */
function processGroupMembers(pgid: number): string[] {
  const names: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After the command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') names.push(name);
    } catch {
      // It ended while we looked.
    }
  }
  return names;
}

/**
 * Runs `scripts/ingest.ts <stage> --server <url>` (ffmpeg test pattern) in a process group of its own,
 * so its ffmpeg can be found and, if need be, ended with it.
 */
export function startIngest(serverUrl: string, stagePath: string, size = '320x180'): IngestProcess {
  // The script mints its own host token from the development secret, like the test server signs with.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  delete env.JWT_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', INGEST, stagePath, '--server', serverUrl, '--size', size], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('the ingest process did not start');
  /** Whether `promise` fulfilled within `ms`. */
  const settled = <T>(promise: Promise<T>, ms: number): Promise<boolean> =>
    Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
    ]);
  const groupEmptied = (ms: number): Promise<boolean> =>
    settled(
      waitFor(async () => (processGroupMembers(pgid).length === 0 ? true : undefined), ms, 'the ingest process group to empty'),
      ms + 100,
    );
  return {
    child,
    output: () => output,
    members: () => processGroupMembers(pgid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // The script stops its ffmpeg on SIGTERM; whatever is still there after a grace period is killed.
      if ((await settled(exited, 5000)) && (await groupEmptied(3000))) return;
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // The group emptied meanwhile.
      }
      await exited;
      if (!(await groupEmptied(3000))) throw new Error(`ingest processes left after SIGKILL: ${processGroupMembers(pgid).join(', ')}`);
    },
  };
}
