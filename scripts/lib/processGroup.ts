// A child process started as the leader of a process group of its own, so that it and everything it
// starts (mediasoup workers, ffmpeg, …) can be found and ended together, whatever state it is in.
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { settleWithin, waitFor } from './wait';

export interface ProcessInfo {
  pid: number;
  /** The command name (/proc/<pid>/comm, at most 15 characters). */
  name: string;
}

/** The live (not zombie) processes whose process group is `pgid`, read from /proc (Linux). */
export function processGroupMembers(pgid: number): ProcessInfo[] {
  const members: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After the command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push({ pid: Number(entry), name });
    } catch {
      // It ended while we looked.
    }
  }
  return members;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupProcess {
  child: ChildProcess;
  /** The process group id (the leader's pid). */
  pgid: number;
  /** Resolves once the leader has exited (its group may live on). */
  exited: Promise<Exit>;
  /** Everything the leader wrote to stdout and stderr so far (when they are piped). */
  output: () => string;
  /** Names of the live processes of the group. */
  members: () => string[];
  /** Sends `signal` to every process of the group (nothing if it is empty). */
  signalGroup: (signal: NodeJS.Signals) => void;
  /**
   * Ends the whole group: SIGTERM to the leader first when `graceMs` > 0 (it may end its children
   * itself), then SIGKILL to whatever is left; resolves once the group is empty, throws naming the
   * processes still there otherwise. Safe to call at any time, any number of times.
   */
  stop: (graceMs?: number) => Promise<void>;
}

/** Starts `command` as the leader of a new process group (`detached`), with stdout and stderr collected. */
export function spawnGroup(command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'> = {}): GroupProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  const pgid = child.pid;
  const exited = new Promise<Exit>((resolve) => {
    if (pgid === undefined) resolve({ code: null, signal: null });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // A command that cannot be started emits 'error' (and no 'exit'); it must not become an uncaught exception.
  child.once('error', () => undefined);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const members = (): ProcessInfo[] => (pgid === undefined ? [] : processGroupMembers(pgid));
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (pgid === undefined || members().length === 0) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      // The group emptied meanwhile.
    }
  };
  const leaderRunning = (): boolean => child.exitCode === null && child.signalCode === null && pgid !== undefined;
  return {
    child,
    pgid: pgid ?? -1,
    exited,
    output: () => output,
    members: () => members().map((m) => m.name),
    signalGroup,
    stop: async (graceMs = 0) => {
      if (pgid === undefined) return;
      if (graceMs > 0 && leaderRunning()) {
        child.kill('SIGTERM');
        await settleWithin(exited, graceMs, null);
        await settleWithin(
          waitFor(async () => members().length === 0, { what: 'the group to empty', timeoutMs: graceMs }).catch(() => undefined),
          graceMs + 1000,
          null,
        );
      }
      signalGroup('SIGKILL');
      await waitFor(async () => (!leaderRunning() && members().length === 0 ? true : undefined), {
        what: `process group ${pgid} (${command}) to end after SIGKILL`,
        timeoutMs: 5000,
      }).catch(() => {
        throw new Error(`processes left in group ${pgid} (${command}) after SIGKILL: ${JSON.stringify(members())}`);
      });
    },
  };
}
