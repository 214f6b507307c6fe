// A child process of the cluster benchmark: one real stagecast node (Stagecast.start, what
// server/main.ts runs, with STORE=redis: registry, Socket.IO Redis adapter, stage origins and pipes)
// alone in its process, serving HTTP and signaling on its own port. Besides that it answers the parent
// over IPC (rpc.ts) with what the network API does not offer: viewers whose consumers send plain,
// unencrypted RTP to a UDP address (MediaPeer.createEgressTransport, as the fanout, switch and health
// benchmarks use it), and this node's view of a stage (its role, its origin, its pipes).
// argv[2]: the node's environment (JSON). Log lines (TEST_LOG_LEVEL and above) go to stdout as JSON.
import type { MediaPeer } from '../../media/MediaPeer';
import { startStagecast } from '../lib/inProcess';
import { type RpcHandlers, serveRpc } from './rpc';

export interface EgressStream {
  sourceId: string;
  kind: 'audio' | 'video';
  /** What the consumer writes into the RTP it sends (it rewrites SSRC and sequence numbers). */
  ssrc: number;
  payloadType: number;
}

export interface ClusterStageState {
  producers: number;
  role: 'origin' | 'edge' | null;
  originNodeId: string | null;
  /** On the origin: the edges it pipes to, with the producers each receives. */
  edges: { edgeNodeId: string; producers: number }[];
  peers: number;
}

export type ClusterNodeApi = {
  /** A viewer on a distribution router whose consumers (every producer of the stage, resumed) send plain RTP to the port. */
  egressOpen: { args: { stageKey: string; id: string; port: number }; result: EgressStream[] };
  egressClose: { args: { id: string }; result: { closed: boolean } };
  /** The stage as this node holds it; null when it is not open here. */
  stage: { args: { stageKey: string }; result: ClusterStageState | null };
  /** Node ids this node's registry knows as alive. */
  nodes: { args: Record<string, never>; result: string[] };
};

export interface ClusterNodeReady {
  url: string;
  pid: number;
  nodeId: string;
}

async function main(): Promise<void> {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const { node, url, stop } = await startStagecast(env);
  const cluster = node.cluster;
  if (!cluster) throw new Error('the node is not in a cluster (STORE=redis expected)');
  const egress = new Map<string, MediaPeer>();

  const handlers: RpcHandlers<ClusterNodeApi> = {
    async egressOpen({ stageKey, id, port }) {
      const peer = await node.media.createPeer(stageKey, { participantId: id, displayName: `egress ${id}`, followsProgram: true });
      egress.set(id, peer);
      const stage = node.media.existingStage(stageKey);
      if (!stage) throw new Error(`stage ${stageKey} did not open`);
      await peer.createEgressTransport({ ip: '127.0.0.1', port });
      const streams: EgressStream[] = [];
      for (const source of stage.sources) {
        for (const { producerId } of source.producers) {
          const consumer = await peer.consume(producerId, stage.rtpCapabilities);
          await peer.resumeConsumer(consumer.id);
          const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
          const payloadType = consumer.rtpParameters.codecs[0]?.payloadType;
          if (ssrc === undefined || payloadType === undefined) throw new Error(`consumer ${consumer.id} has no SSRC or payload type`);
          streams.push({ sourceId: source.id, kind: consumer.kind, ssrc, payloadType });
        }
      }
      return streams;
    },
    async egressClose({ id }) {
      const peer = egress.get(id);
      egress.delete(id);
      peer?.close();
      return { closed: peer !== undefined };
    },
    async stage({ stageKey }) {
      const stage = node.media.existingStage(stageKey);
      if (!stage) return null;
      const view = cluster.describeStage(stageKey);
      return {
        producers: stage.sources.reduce((n, s) => n + s.producers.length, 0),
        role: view.role,
        originNodeId: view.originNodeId,
        edges: view.edges.map((e) => ({ edgeNodeId: e.edgeNodeId, producers: e.producers.length })),
        peers: stage.peerCount,
      };
    },
    async nodes() {
      return cluster
        .nodes()
        .map((n) => n.id)
        .sort();
    },
  };
  serveRpc<ClusterNodeApi>(handlers, { url, pid: process.pid, nodeId: cluster.nodeId } satisfies ClusterNodeReady, async () => {
    for (const peer of egress.values()) peer.close();
    await stop();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`clusterNode: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
