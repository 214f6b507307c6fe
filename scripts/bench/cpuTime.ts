// Where the CPU went while a benchmark step ran, from Linux's /proc: for each process of the run, the
// time its threads ran and the time they waited, runnable, for a core (the scheduler's run queue:
// /proc/<pid>/task/*/schedstat); and how busy the whole machine was (/proc/stat), so what other
// programs on a shared machine took shows next to what the run itself used.
import fs from 'node:fs';

/** USER_HZ: /proc/stat and /proc/<pid>/stat count in hundredths of a second on Linux. */
const TICK_MS = 10;

interface Sched {
  runMs: number;
  waitMs: number;
  /** Of the run time, what the kernel spent on the process's behalf (system calls: its sockets' sends). */
  kernelMs: number;
}

/** The process's kernel (system) time so far, from /proc/<pid>/stat (in ticks); 0 once it is gone. */
function kernelMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: stime is the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[12]) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Run and run-queue wait time of all the threads of a process so far; null once it is gone. */
function schedOf(pid: number): Sched | null {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const total = { runMs: 0, waitMs: 0, kernelMs: kernelMsOf(pid) };
  for (const task of tasks) {
    try {
      const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(' ');
      total.runMs += Number(run) / 1e6;
      total.waitMs += Number(wait) / 1e6;
    } catch {
      // The thread ended while we looked.
    }
  }
  return total;
}

/** CPU time every core spent busy (not idle, not waiting for I/O) since boot. */
function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
}

export interface CpuReport {
  wallMs: number;
  /** Per process of the run: CPU time used (all threads) and time spent runnable but waiting for a core, ms. */
  processes: Record<string, { cpuMs: number; runQueueWaitMs: number; kernelMs: number }>;
  /** Cores the whole machine kept busy on average over the step. */
  machineBusyCores: number;
  /** Of those, cores the listed processes used. */
  thisRunCores: number;
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Starts accounting for the named processes (an undefined pid is skipped); `stop()` reports. */
export function accountCpu(processes: Record<string, number | undefined>): { stop(): CpuReport } {
  const started = performance.now();
  const busyBefore = machineBusyMs();
  const before = new Map(Object.entries(processes).map(([name, pid]) => [name, pid === undefined ? null : schedOf(pid)]));
  return {
    stop() {
      const wallMs = performance.now() - started;
      const busyMs = machineBusyMs() - busyBefore;
      const report: CpuReport['processes'] = {};
      let ours = 0;
      for (const [name, pid] of Object.entries(processes)) {
        const first = before.get(name);
        const last = pid === undefined ? null : schedOf(pid);
        if (!first || !last) continue;
        const cpuMs = last.runMs - first.runMs;
        ours += cpuMs;
        report[name] = { cpuMs: round(cpuMs), runQueueWaitMs: round(last.waitMs - first.waitMs), kernelMs: last.kernelMs - first.kernelMs };
      }
      return {
        wallMs: round(wallMs, 0),
        processes: report,
        machineBusyCores: round(busyMs / wallMs, 2),
        thisRunCores: round(ours / wallMs, 2),
      };
    },
  };
}
