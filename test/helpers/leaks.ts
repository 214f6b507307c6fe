import { randomUUID } from 'node:crypto';
import fs from 'node:fs';

/**
 * The environment variable that marks every process a test run starts: set in the mocha process before
 * the first test, it is inherited by the servers, workers, encoders, Redis servers and browsers the tests
 * start, and by whatever those start, also when they are re-parented after their parent died.
 */
export const RUN_MARKER = 'STAGECAST_TEST_RUN';

/** Marks this process's future children with a value of this run only (another run's are not ours). */
export function markRun(): string {
  const value = `${process.pid}-${randomUUID().slice(0, 8)}`;
  process.env[RUN_MARKER] = value;
  return value;
}

export interface MarkedProcess {
  pid: number;
  ppid: number;
  pgid: number;
  name: string;
  command: string;
}

/**
 * The live processes (not zombies, not this one) whose environment carries `RUN_MARKER=value`, read from
 * /proc. The TypeScript loader's esbuild service, a child of this very process that lives as long as it
 * does (and may be restarted by it once the marker is set), is not counted.
 */
export function markedProcesses(value: string): MarkedProcess[] {
  const wanted = `${RUN_MARKER}=${value}`;
  const found: MarkedProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(wanted)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(ppid) === process.pid && name === 'esbuild' && command.includes('--service')) continue;
      found.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid), name, command: command.slice(0, 200) });
    } catch {
      // It ended while we looked, or is not ours to read.
    }
  }
  return found;
}
