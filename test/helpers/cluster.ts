import assert from 'node:assert/strict';
import type { NodeInfo } from '../../server/cluster/NodeRegistry';
import { type ServerProcess, startServer } from '../../scripts/lib/serverProcess';
import type { RedisServer } from './redis';
import { tokenFor } from './stagecast';

/**
 * One stagecast process of a test cluster: its own port and media port range (both reserved for it,
 * see scripts/lib/ports.ts), one worker, and fast heartbeats so a killed node is dropped within a
 * couple of seconds.
 */
export async function startClusterNode(redis: RedisServer, nodeId: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  return startServer({
    STORE: 'redis',
    REDIS_URL: redis.url,
    NODE_ID: nodeId,
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    MEDIASOUP_NUM_WORKERS: '1',
    CLUSTER_HEARTBEAT_MS: '500',
    CLUSTER_NODE_TTL_MS: '2000',
    HEALTH_SAMPLE_INTERVAL_MS: '2000',
    ...env,
  });
}

export async function call<T>(
  node: ServerProcess,
  method: string,
  path: string,
  role: 'host' | 'attendee' | 'moderator' | 'ops',
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function ok<T>(call: Promise<{ status: number; body: unknown }>): Promise<T> {
  const { status, body } = await call;
  assert.ok(status < 300, `HTTP ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

export async function nodeIds(node: ServerProcess): Promise<string[]> {
  const { nodes } = await ok<{ nodes: NodeInfo[] }>(call(node, 'GET', '/api/nodes', 'ops'));
  return nodes.map((n) => n.id).sort();
}

/** The stage's media on one node as ops see it, or null when the stage is not open there. */
export interface StageMediaOnNode {
  sources: { id: string; producers: { producerId: string }[] }[];
  cluster: { role: 'origin' | 'edge'; originNodeId: string | null; edges: { edgeNodeId: string; producers: string[] }[] };
}

export async function stageMedia(node: ServerProcess, stagePath = 'demo/stages/keynote'): Promise<StageMediaOnNode | null> {
  const reply = await call<StageMediaOnNode>(node, 'GET', `/api/events/${stagePath}/media`, 'host');
  if (reply.status === 404) return null;
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}
