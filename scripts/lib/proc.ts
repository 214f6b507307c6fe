// What Linux's /proc says about a process: resident memory, open file descriptors, CPU time, children.
// Synchronous and cheap (a few small reads); every reader answers null once the process is gone.
import fs from 'node:fs';

function readProc(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces); index 0 is the state. */
function statFields(pid: number): string[] | null {
  const stat = readProc(pid, 'stat');
  return stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Resident memory now (VmRSS), in bytes. */
export function residentBytes(pid: number): number | null {
  const status = readProc(pid, 'status');
  const match = status === null ? null : /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** Open file descriptors (entries of /proc/<pid>/fd): sockets, pipes, files, epoll and timer fds. */
export function openFds(pid: number): number | null {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : null;
}

/** The process's command name (/proc/<pid>/comm, at most 15 characters). */
export function commandName(pid: number): string | null {
  return readProc(pid, 'comm')?.trim() ?? null;
}

/** The live processes whose parent is `pid` (a scan of /proc). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children.sort((a, b) => a - b);
}

/** The mediasoup workers a server process spawned (its children named `mediasoup-worker`). */
export function mediasoupWorkerPids(serverPid: number): number[] {
  return childPids(serverPid).filter((pid) => commandName(pid)?.startsWith('mediasoup-work') ?? false);
}

/** CPU of a set of processes between two readings, percent of one core (0 on the first reading). */
export class CpuMeter {
  #last = new Map<number, number>();
  #at = Date.now();
  read(pids: number[]): number {
    const now = Date.now();
    let used = 0;
    const next = new Map<number, number>();
    for (const pid of pids) {
      const s = cpuSeconds(pid);
      if (s === null) continue;
      next.set(pid, s);
      used += s - (this.#last.get(pid) ?? s);
    }
    const percent = this.#last.size === 0 ? null : (100 * used) / Math.max(0.001, (now - this.#at) / 1000);
    this.#last = next;
    this.#at = now;
    return percent === null ? 0 : Math.round(percent * 10) / 10;
  }
}
