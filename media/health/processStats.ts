import fs from 'node:fs/promises';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { types } from 'mediasoup';

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Resident memory of a process now, from /proc (Linux); null elsewhere or once it is gone. */
export async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU of mediasoup workers from getResourceUsage (one request per worker): user + system time
 * between two readings of the same process, over the wall time between them.
 */
export class WorkerCpu {
  readonly #last = new Map<number, { cpuMs: number; atMs: number }>();

  async read(worker: types.Worker, nowMs: number): Promise<{ cpuPercent: number | null; maxRssBytes: number | null }> {
    let usage: types.WorkerResourceUsage;
    try {
      usage = await worker.getResourceUsage();
    } catch {
      return { cpuPercent: null, maxRssBytes: null };
    }
    const cpuMs = usage.ru_utime + usage.ru_stime;
    const previous = this.#last.get(worker.pid);
    this.#last.set(worker.pid, { cpuMs, atMs: nowMs });
    const elapsed = previous ? nowMs - previous.atMs : 0;
    const cpuPercent = previous && elapsed > 0 ? round((100 * Math.max(0, cpuMs - previous.cpuMs)) / elapsed) : null;
    // ru_maxrss is in kilobytes on Linux.
    return { cpuPercent, maxRssBytes: usage.ru_maxrss * 1024 };
  }

  /** Forgets processes that are no longer workers of the pool (replaced ones). */
  retain(pids: ReadonlySet<number>): void {
    for (const pid of this.#last.keys()) if (!pids.has(pid)) this.#last.delete(pid);
  }
}

/** This process's CPU between two calls, percent of one core. */
export class ProcessCpu {
  #last = { usage: process.cpuUsage(), atMs: performance.now() };

  read(): number {
    const now = { usage: process.cpuUsage(), atMs: performance.now() };
    const elapsedMs = now.atMs - this.#last.atMs;
    const cpuMs = (now.usage.user - this.#last.usage.user + now.usage.system - this.#last.usage.system) / 1000;
    this.#last = now;
    return elapsedMs > 0 ? round((100 * cpuMs) / elapsedMs) : 0;
  }
}

/** Event-loop delay of this process, summarised and reset at each read. */
const LOOP_LAG_RESOLUTION_MS = 20;

export class LoopLag {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_LAG_RESOLUTION_MS });

  constructor() {
    this.#histogram.enable();
  }

  read(): { mean: number; p99: number; max: number } {
    const h = this.#histogram;
    // Nanoseconds; an empty histogram reports NaN mean. Each recorded value is the time between two
    // ticks of the sampling timer, so the timer's own interval is taken off: an idle loop reads ~0.
    const ms = (ns: number): number => (Number.isFinite(ns) ? round(Math.max(0, ns / 1e6 - LOOP_LAG_RESOLUTION_MS), 2) : 0);
    const summary = { mean: ms(h.mean), p99: ms(h.percentile(99)), max: ms(h.max) };
    h.reset();
    return summary;
  }

  close(): void {
    this.#histogram.disable();
  }
}
