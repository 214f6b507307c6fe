// The parent's side of hostedNode.ts: starts the node in its own process and measures its footprint
// from outside (/proc) and inside (heap after a forced GC).
import path from 'node:path';
import { mediasoupWorkerPids, openFds, residentBytes } from '../lib/proc';
import type { HostedNodeApi, HostedNodeReady } from './hostedNode';
import { type LogTally, tallyLogs } from './logTally';
import { RpcChild } from './rpc';

export interface HostedNode {
  rpc: RpcChild<HostedNodeApi, HostedNodeReady>;
  url: string;
  pid: number;
  logs: LogTally;
  stop(): Promise<void>;
}

export interface WorkerFootprint {
  pid: number;
  rssBytes: number | null;
  fds: number | null;
}

export interface Footprint {
  /** The node's process (Node.js): VmRSS read from /proc after a forced GC. */
  serverRssBytes: number | null;
  /** JS heap in use after that GC (process.memoryUsage in the node's process). */
  heapUsedBytes: number;
  externalBytes: number;
  /** Whether a full GC ran just before the reading. */
  gcForced: boolean;
  serverFds: number | null;
  workers: WorkerFootprint[];
  workersRssBytes: number;
  workersFds: number;
}

/**
 * Starts hostedNode.ts with --expose-gc and the given node environment; counts its warning and error log
 * lines. `workerBin`: the mediasoup worker binary its workers run (MEDIASOUP_WORKER_BIN), else this
 * process's.
 */
export async function startHostedNode(env: Record<string, string>, options: { workerBin?: string } = {}): Promise<HostedNode> {
  const logs: LogTally = { warnings: 0, errors: 0, recent: [] };
  const rpc = await RpcChild.start<HostedNodeApi, HostedNodeReady>(path.join(__dirname, 'hostedNode.ts'), [JSON.stringify(env)], {
    nodeFlags: ['--expose-gc'],
    env: {
      ...process.env,
      TEST_LOG_LEVEL: 'warn',
      ...(options.workerBin === undefined ? {} : { MEDIASOUP_WORKER_BIN: options.workerBin }),
    },
    onStdout: tallyLogs(logs, 10),
  });
  return { rpc, url: rpc.ready.url, pid: rpc.ready.pid, logs, stop: () => rpc.stop() };
}

/** The node's memory and descriptors now, and its mediasoup workers' (its children named mediasoup-worker). */
export async function footprint(node: HostedNode, options: { gc: boolean }): Promise<Footprint> {
  const memory = await node.rpc.call('memory', { gc: options.gc });
  const workers = mediasoupWorkerPids(node.pid).map((pid) => ({ pid, rssBytes: residentBytes(pid), fds: openFds(pid) }));
  return {
    serverRssBytes: residentBytes(node.pid),
    heapUsedBytes: memory.heapUsedBytes,
    externalBytes: memory.externalBytes,
    gcForced: memory.gcForced,
    serverFds: openFds(node.pid),
    workers,
    workersRssBytes: workers.reduce((sum, w) => sum + (w.rssBytes ?? 0), 0),
    workersFds: workers.reduce((sum, w) => sum + (w.fds ?? 0), 0),
  };
}
