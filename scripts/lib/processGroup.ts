// A child process started as the leader of a process group of its own, and marked in its environment,
// so that it and everything it starts (mediasoup workers, ffmpeg, servers in groups of their own, …)
// can be found and ended together, whatever state it is in, also once re-parented after a crash.
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { settleWithin, waitFor } from './wait';

/** Names the trees a process belongs to (`id:id:…`, outermost first); inherited by whatever it starts. */
const TREES = 'STAGECAST_PROCESS_TREES';

export interface ProcessInfo {
  pid: number;
  /** The command name (/proc/<pid>/comm, at most 15 characters). */
  name: string;
}

/** Every live (not zombie) process for which `belongs(pid, pgrp)` holds, read from /proc (Linux). */
function scan(belongs: (pid: number, pgrp: number) => boolean): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After the command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && belongs(Number(entry), Number(pgrp))) found.push({ pid: Number(entry), name });
    } catch {
      // It ended while we looked, or is not ours to read.
    }
  }
  return found;
}

/** The live (not zombie) processes whose process group is `pgid`. */
export function processGroupMembers(pgid: number): ProcessInfo[] {
  return scan((_pid, pgrp) => pgrp === pgid);
}

function inTree(pid: number, tree: string): boolean {
  const entry = fs
    .readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((variable) => variable.startsWith(`${TREES}=`));
  return (
    entry
      ?.slice(TREES.length + 1)
      .split(':')
      .includes(tree) ?? false
  );
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
  /** Names of the live processes of the group and of everything started from it. */
  members: () => string[];
  /** Sends `signal` to the group and to everything started from it (nothing if none is left). */
  signalGroup: (signal: NodeJS.Signals) => void;
  /**
   * Ends the whole group and all it started: SIGTERM to the leader first when `graceMs` > 0 (it may end
   * its children itself), then SIGKILL to whatever is left; resolves once none is left, throws naming
   * the processes still there otherwise. Safe to call at every moment, and more than once.
   */
  stop: (graceMs?: number) => Promise<void>;
}

/**
 * Starts `command` as the leader of a new process group (`detached`), with stdout and stderr collected,
 * and a mark in its environment that everything it starts inherits.
 */
export function spawnGroup(command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'> = {}): GroupProcess {
  const tree = randomUUID().slice(0, 8);
  const env = options.env ?? process.env;
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    env: { ...env, [TREES]: [env[TREES], tree].filter(Boolean).join(':') },
    detached: true,
  });
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
  const members = (): ProcessInfo[] => (pgid === undefined ? [] : scan((pid, pgrp) => pgrp === pgid || inTree(pid, tree)));
  const signalGroup = (signal: NodeJS.Signals): void => {
    for (const { pid } of members()) {
      try {
        process.kill(pid, signal);
      } catch {
        // It ended meanwhile.
      }
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
        await waitFor(async () => members().length === 0, { what: 'the group to empty', timeoutMs: graceMs }).catch(() => undefined);
      }
      // Killed one by one, over and over: a process may start another until it is killed itself.
      await waitFor(
        async () => {
          signalGroup('SIGKILL');
          return !leaderRunning() && members().length === 0;
        },
        { what: `the processes of ${command} (group ${pgid}) to end after SIGKILL`, timeoutMs: 5000 },
      ).catch(() => {
        throw new Error(`processes left of ${command} (group ${pgid}) after SIGKILL: ${JSON.stringify(members())}`);
      });
    },
  };
}
