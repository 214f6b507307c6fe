// The parent's side of clusterNode.ts: starts one node of the benchmark's cluster in its own process
// and tallies the warnings and errors it logs.
import path from 'node:path';
import type { RedisServer } from '../lib/redisServer';
import type { ClusterNodeApi, ClusterNodeReady } from './clusterNode';
import { type LogTally, tallyLogs } from './logTally';
import { RpcChild } from './rpc';

export interface ClusterNode {
  name: 'A' | 'B';
  id: string;
  url: string;
  rpc: RpcChild<ClusterNodeApi, ClusterNodeReady>;
  logs: LogTally;
}

/**
 * Starts one node in its own process: STORE=redis on the shared server, one mediasoup worker, its own
 * RTC port range (reserved by the node, see scripts/lib/ports.ts), media on loopback; cluster timings
 * at their defaults.
 */
export async function startClusterNode(name: 'A' | 'B', redis: RedisServer): Promise<ClusterNode> {
  const id = `bench-${name.toLowerCase()}`;
  const logs: LogTally = { warnings: 0, errors: 0, recent: [] };
  const env = {
    STORE: 'redis',
    REDIS_URL: redis.url,
    NODE_ID: id,
    MEDIASOUP_NUM_WORKERS: '1',
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
  };
  const rpc = await RpcChild.start<ClusterNodeApi, ClusterNodeReady>(path.join(__dirname, 'clusterNode.ts'), [JSON.stringify(env)], {
    env: { ...process.env, TEST_LOG_LEVEL: 'warn' },
    onStdout: tallyLogs(logs, 8),
  });
  return { name, id, url: rpc.ready.url, rpc, logs };
}
