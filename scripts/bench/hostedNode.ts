// A child process of the memory and soak benchmarks: one real stagecast node (Stagecast.start, what
// server/main.ts runs, on its own port and SQLite file) alone in its process, so the process's RSS and
// its children (the mediasoup workers) are the node's and nothing else's. Answers the parent over IPC
// (rpc.ts): this process's memory after an optional forced GC (it runs with --expose-gc), a census of
// the mediasoup objects (as Node tracks them through mediasoup's observer API, and as the workers
// themselves report in their dumps), and viewers on PlainTransports that receive real media, created
// with the media layer's own calls like the fanout benchmark's.
// argv[2]: the node's environment (JSON). Logs (warn and above) go to stdout as JSON lines.
import v8 from 'node:v8';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { MediaPeer } from '../../media/MediaPeer';
import { startStagecast } from '../lib/inProcess';
import { srtpKey } from './benchMedia';
import { type RpcHandlers, serveRpc } from './rpc';

export type MediaKind = 'audio' | 'video';

export interface ProcessMemory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Whether a full GC ran just before (the process runs with --expose-gc). */
  gcForced: boolean;
}

export interface MediasoupCounts {
  workers: number;
  routers: number;
  /** By class: WebRtcTransport, PlainTransport, PipeTransport, … */
  transports: Record<string, number>;
  producers: number;
  consumers: number;
}

export interface Census {
  connectedSockets: number;
  /** Signaling sessions: joined participants, attached or parked waiting for a resume. */
  sessions: number;
  /** Media peers of the stage (signaling sessions and plain viewers). */
  stagePeers: number;
  distributionRouters: number;
  plainViewers: number;
  /** Live objects as Node sees them (mediasoup observer events). */
  node: MediasoupCounts;
  /**
   * What the workers report (worker and router dumps): differs from `node` only if something leaked in
   * C++. Null when a dump failed (a saturated worker answers too late), with the error.
   */
  workers: (Omit<MediasoupCounts, 'workers' | 'transports'> & { transports: number }) | null;
  workersError?: string;
}

export type HostedNodeApi = {
  memory: { args: { gc: boolean }; result: ProcessMemory };
  census: { args: { stageKey: string }; result: Census };
  /** Opens `count` viewers on PlainTransports sending to the sink, consuming the given kinds (resumed). */
  plainOpen: {
    args: { stageKey: string; count: number; sinkPort: number; consume: MediaKind[] };
    result: { opened: number; failed: number; errors: string[] };
  };
  /**
   * Every plain viewer without a consumer of `kind` consumes the stage's producers of that kind. With
   * `transportCc` false, without the transport-wide-cc extension and feedback (a remote that does not
   * do transport-cc): its transport then keeps no congestion-control state or send history.
   */
  plainConsume: {
    args: { stageKey: string; kind: MediaKind; transportCc?: boolean };
    result: { consumers: number; failed: number; errors: string[] };
  };
  /** Closes the `count` oldest plain viewers. */
  plainClose: { args: { count: number }; result: { closed: number } };
  /** Writes a V8 heap snapshot of this process after a forced GC (for leak hunts: diff two of them). */
  heapSnapshot: { args: { file: string }; result: { file: string } };
};

export interface HostedNodeReady {
  url: string;
  pid: number;
}

/** Every mediasoup object of this process, followed through the observer API from worker creation on. */
class MediasoupCensus {
  readonly workers = new Set<types.Worker>();
  readonly routers = new Set<types.Router>();
  readonly transports = new Set<types.Transport>();
  readonly producers = new Set<types.Producer>();
  readonly consumers = new Set<types.Consumer>();

  constructor() {
    const track = <T extends { observer: { once(event: 'close', listener: () => void): unknown } }>(set: Set<T>, item: T): void => {
      set.add(item);
      item.observer.once('close', () => set.delete(item));
    };
    mediasoup.observer.on('newworker', (worker: types.Worker) => {
      track(this.workers, worker);
      worker.observer.on('newrouter', (router: types.Router) => {
        track(this.routers, router);
        router.observer.on('newtransport', (transport: types.Transport) => {
          track(this.transports, transport);
          transport.observer.on('newproducer', (producer: types.Producer) => track(this.producers, producer));
          transport.observer.on('newconsumer', (consumer: types.Consumer) => track(this.consumers, consumer));
        });
      });
    });
  }

  nodeCounts(): MediasoupCounts {
    const transports: Record<string, number> = {};
    for (const transport of this.transports) transports[transport.constructor.name] = (transports[transport.constructor.name] ?? 0) + 1;
    return {
      workers: this.workers.size,
      routers: this.routers.size,
      transports,
      producers: this.producers.size,
      consumers: this.consumers.size,
    };
  }

  /** Asks the workers themselves: routers per worker, and transports, producers and consumers per router. */
  async workerCounts(): Promise<NonNullable<Census['workers']>> {
    const counts = { routers: 0, transports: 0, producers: 0, consumers: 0 };
    for (const worker of this.workers) {
      const dump = (await worker.dump()) as { routerIds?: unknown[] };
      counts.routers += dump.routerIds?.length ?? 0;
    }
    for (const router of this.routers) {
      const dump = (await router.dump()) as {
        transportIds?: unknown[];
        mapProducerIdConsumerIds?: object;
        mapConsumerIdProducerId?: object;
      };
      counts.transports += dump.transportIds?.length ?? 0;
      counts.producers += Object.keys(dump.mapProducerIdConsumerIds ?? {}).length;
      counts.consumers += Object.keys(dump.mapConsumerIdProducerId ?? {}).length;
    }
    return counts;
  }
}

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  // Twice: the first pass can leave objects only a finalizer released.
  gc();
  gc();
  return true;
}

/** Capabilities without the transport-wide-cc header extension and feedback. */
function withoutTransportCc(capabilities: types.RtpCapabilities): types.RtpCapabilities {
  return {
    ...capabilities,
    codecs: capabilities.codecs?.map((codec) => ({
      ...codec,
      rtcpFeedback: codec.rtcpFeedback?.filter((fb) => fb.type !== 'transport-cc'),
    })),
    headerExtensions: capabilities.headerExtensions?.filter((extension) => !extension.uri.includes('transport-wide-cc')),
  };
}

async function main(): Promise<void> {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const census = new MediasoupCensus();
  const { node, url, stop } = await startStagecast(env);
  const plain: { peer: MediaPeer; kinds: Set<MediaKind> }[] = [];
  let plainSeq = 0;

  const stageOf = (stageKey: string) => {
    const stage = node.media.existingStage(stageKey);
    if (!stage) throw new Error(`stage ${stageKey} has no media yet`);
    return stage;
  };

  /** Consumes (and resumes) the stage's producers of `kind` for one plain viewer. */
  const consumeKind = async (
    stageKey: string,
    entry: { peer: MediaPeer; kinds: Set<MediaKind> },
    kind: MediaKind,
    transportCc = true,
  ): Promise<number> => {
    const stage = stageOf(stageKey);
    const capabilities = transportCc ? stage.rtpCapabilities : withoutTransportCc(stage.rtpCapabilities);
    let consumed = 0;
    for (const { producerId } of stage.sources.flatMap((s) => s.producers).filter((p) => p.kind === kind)) {
      await entry.peer.resumeConsumer((await entry.peer.consume(producerId, capabilities)).id);
      consumed += 1;
    }
    entry.kinds.add(kind);
    return consumed;
  };

  const handlers: RpcHandlers<HostedNodeApi> = {
    async memory({ gc }) {
      const gcForced = gc && collectGarbage();
      const m = process.memoryUsage();
      return {
        rssBytes: m.rss,
        heapUsedBytes: m.heapUsed,
        heapTotalBytes: m.heapTotal,
        externalBytes: m.external,
        arrayBuffersBytes: m.arrayBuffers,
        gcForced,
      };
    },
    async census({ stageKey }) {
      const stage = node.media.existingStage(stageKey);
      return {
        connectedSockets: node.signaling.connectedSockets,
        sessions: node.signaling.peers.size,
        stagePeers: stage?.peerCount ?? 0,
        distributionRouters: stage?.distributionRouters.length ?? 0,
        plainViewers: plain.length,
        node: census.nodeCounts(),
        ...(await census.workerCounts().then(
          (workers) => ({ workers }),
          (error: unknown) => ({ workers: null, workersError: String(error) }),
        )),
      };
    },
    async plainOpen({ stageKey, count, sinkPort, consume }) {
      let opened = 0;
      const errors: string[] = [];
      for (let i = 0; i < count; i++) {
        const n = ++plainSeq;
        try {
          const peer = await node.media.createPeer(stageKey, {
            participantId: `plain-${n}`,
            displayName: `plain viewer ${n}`,
            followsProgram: true,
          });
          const entry = { peer, kinds: new Set<MediaKind>() };
          plain.push(entry);
          await peer.createEgressTransport({ ip: '127.0.0.1', port: sinkPort, srtp: srtpKey() });
          for (const kind of consume) await consumeKind(stageKey, entry, kind);
          opened += 1;
        } catch (error) {
          errors.push(String(error));
        }
      }
      return { opened, failed: errors.length, errors: errors.slice(0, 5) };
    },
    async plainConsume({ stageKey, kind, transportCc }) {
      let consumers = 0;
      const errors: string[] = [];
      for (const entry of plain) {
        if (entry.kinds.has(kind) || entry.peer.closed) continue;
        try {
          consumers += await consumeKind(stageKey, entry, kind, transportCc);
        } catch (error) {
          errors.push(String(error));
        }
      }
      return { consumers, failed: errors.length, errors: errors.slice(0, 5) };
    },
    async heapSnapshot({ file }) {
      collectGarbage();
      return { file: v8.writeHeapSnapshot(file) };
    },
    async plainClose({ count }) {
      const leaving = plain.splice(0, count);
      for (const { peer } of leaving) peer.close();
      return { closed: leaving.length };
    },
  };
  serveRpc<HostedNodeApi>(handlers, { url, pid: process.pid } satisfies HostedNodeReady, stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`hostedNode: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
