// Ports for servers that tests and benchmarks start: single ports from the OS, and media port ranges
// reserved across every process on this host, so two runs side by side never share one.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A TCP port that was free a moment ago on loopback (the OS picked it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Media ports a test or benchmark server gets when its environment names no RTC_MIN_PORT / RTC_MAX_PORT. */
export const MEDIA_PORTS_PER_SERVER = 2000;

/** Ports are reserved in blocks of this size; a range takes as many consecutive blocks as it needs. */
const BLOCK = 100;
const LOCK_DIR = path.join(os.tmpdir(), 'stagecast-port-blocks');

/**
 * Where ranges are taken from: below the kernel's ephemeral range (where the OS hands out ports for
 * port 0 and outgoing connections, so it never lands inside a reserved range), else above it.
 */
function reservableSpan(): { first: number; last: number } {
  let low = 32768;
  let high = 60999;
  try {
    [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  } catch {
    // Not Linux: the kernel defaults above.
  }
  return low - 10_000 >= 2_000 ? { first: 10_000, last: low - 1 } : { first: high + 1, last: 65_535 };
}

/** The start time of a process (clock ticks since boot), so a reused pid is not mistaken for the holder. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const OWNER = `${process.pid} ${startTime(process.pid) ?? ''}`;

/** A block whose lock names a process that no longer exists is free again (its holder crashed). */
function isStale(lockFile: string): boolean {
  try {
    const [pid, started] = fs.readFileSync(lockFile, 'utf8').trim().split(' ');
    return startTime(Number(pid)) !== (started ?? null);
  } catch {
    return false;
  }
}

function tryLock(block: number): boolean {
  const lockFile = path.join(LOCK_DIR, `block-${block}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, OWNER, { flag: 'wx' });
      return true;
    } catch {
      if (attempt > 0 || !isStale(lockFile)) return false;
      fs.rmSync(lockFile, { force: true });
    }
  }
  return false;
}

function unlock(block: number): void {
  fs.rmSync(path.join(LOCK_DIR, `block-${block}`), { force: true });
}

const held = new Set<number>();
let exitHookInstalled = false;

export interface PortRange {
  min: number;
  max: number;
  /** Gives the range back (safe to call twice); ranges still held are given back when this process exits. */
  release(): void;
}

/**
 * Reserves `size` consecutive ports (rounded up to blocks of 100) for media (RTC_MIN_PORT–RTC_MAX_PORT),
 * outside the ephemeral range and exclusive among every process on this host that reserves through here.
 */
export function reservePortRange(size: number): PortRange {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => held.forEach(unlock));
  }
  const { first, last } = reservableSpan();
  const blocks = Math.ceil(size / BLOCK);
  const firstBlock = Math.ceil(first / BLOCK);
  const lastStart = Math.floor((last + 1) / BLOCK) - blocks;
  const count = lastStart - firstBlock + 1;
  // Start the search at a random block: runs that start together rarely contend for the same lock.
  const offset = Math.floor(Math.random() * Math.max(1, count));
  for (let i = 0; i < count; i++) {
    const start = firstBlock + ((offset + i) % count);
    const taken: number[] = [];
    for (let b = start; b < start + blocks && tryLock(b); b++) taken.push(b);
    if (taken.length === blocks) {
      taken.forEach((b) => held.add(b));
      let released = false;
      return {
        min: start * BLOCK,
        max: start * BLOCK + size - 1,
        release() {
          if (released) return;
          released = true;
          for (const b of taken) {
            held.delete(b);
            unlock(b);
          }
        },
      };
    }
    taken.forEach(unlock);
  }
  throw new Error(`no free range of ${size} ports between ${first} and ${last} (locks in ${LOCK_DIR})`);
}
