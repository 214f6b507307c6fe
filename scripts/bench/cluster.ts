// cluster: two stagecast nodes on this machine sharing one redis-server (started here, on loopback):
// node A is the stage's origin (ffmpeg pushes a 360p VP8 + Opus clip in copy mode into it), node B an
// edge that receives the stage's producers over a PipeTransport (SRTP) from A. Measures, in one run:
// 1. join latency (connect → join → recv transport → consume → resumed, as the join benchmark) of N
//    viewers joining at once on B against N on A, in rounds alternating which node goes first, with the
//    CPU each process used meanwhile; and single joins one at a time: on A, on B, and on B while B
//    holds no copy of the stage (that join opens it and the pipe from A);
// 2. the pipe hop's extra delay: the same RTP packet as sent by a consumer on A and by one on B, at
//    UDP sinks on loopback stamped by the kernel, matched by payload hash (B − A), with a second
//    consumer on A as a control (A′ − A: the method's own noise floor) — pipeDelay.ts;
// 3. the Socket.IO Redis adapter's hop for Q&A: attendees subscribed to one session on A and on B,
//    upvotes made through A's REST API, delivery latency at A's clients and at B's — clusterQa.ts.
// The network API offers no unencrypted RTP egress (WebRTC viewers only); each node therefore runs in
// a child process (clusterNode.ts: Stagecast.start, what server/main.ts runs) that also opens plain-RTP
// egress viewers with the media layer's own call when asked over IPC.
// Every step reports where the CPU went (cpuTime.ts): the machine is small and may be shared.
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { tokenFor } from '../lib/inProcess';
import { childPids, commandName, mediasoupWorkerPids } from '../lib/proc';
import { RedisServer } from '../lib/redisServer';
import { Viewer } from '../lib/viewer';
import { waitFor } from '../lib/wait';
import { CLIP_360P } from './benchMedia';
import { type ClusterNode, startClusterNode } from './clusterNodeProcess';
import { measureQa } from './clusterQa';
import { accountCpu, type CpuReport } from './cpuTime';
import { measurePipeHop } from './pipeDelay';
import { feedStage, type StageFeed } from './stageFeed';
import { summarize, type Summary } from './stats';
import { stageKey } from '../../server/stageKey';

const STAGE = { eventId: 'demo', stageId: 'keynote' };
const STAGE_KEY = stageKey(STAGE.eventId, STAGE.stageId);

function log(message: string): void {
  process.stderr.write(`[cluster] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** One viewer's whole join, as the join benchmark measures it. */
async function joinOnce(url: string, token: string): Promise<{ ms: number; viewer: Viewer }> {
  const started = performance.now();
  const viewer = await Viewer.connect(url, token);
  await viewer.join(STAGE.stageId);
  await viewer.openRecvTransport();
  const consumed = await viewer.consumeAll();
  if (consumed === 0) throw new Error('the join answer listed no producers');
  return { ms: performance.now() - started, viewer };
}

interface WaveResult {
  node: 'A' | 'B';
  latencies: number[];
  failures: number;
  firstError: string | null;
  /** Where the CPU went while the viewers joined. */
  cpu: CpuReport;
}

/** N viewers join one node at once; once all are in, they leave. */
async function wave(node: ClusterNode, count: number, label: string, processes: Record<string, number | undefined>): Promise<WaveResult> {
  const tokens = Array.from({ length: count }, (_, i) => tokenFor('attendee', STAGE.eventId, `viewer ${node.name}${label}-${i}`));
  const cpu = accountCpu(processes);
  const outcomes = await Promise.allSettled(tokens.map((token) => joinOnce(node.url, token)));
  const cpuReport = cpu.stop();
  const viewers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.viewer] : []));
  const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  await Promise.allSettled(viewers.map((v) => v.leave()));
  return {
    node: node.name,
    latencies: outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.ms] : [])),
    failures: rejected.length,
    firstError: rejected.length > 0 ? String(rejected[0]) : null,
    cpu: cpuReport,
  };
}

/** Mean CPU ms per join of the serving node's process and worker over a node's waves. */
function cpuPerJoin(
  waves: readonly WaveResult[],
  node: 'A' | 'B',
  viewers: number,
): { nodeProcessMs: number; workerMs: number; benchClientsMs: number } {
  const mine = waves.filter((w) => w.node === node);
  const mean = (name: string): number =>
    round1(mine.reduce((sum, w) => sum + (w.cpu.processes[name]?.cpuMs ?? 0), 0) / Math.max(1, mine.length * viewers));
  return { nodeProcessMs: mean(`node${node}`), workerMs: mean(`worker${node}`), benchClientsMs: mean('bench') };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '4' },
      'single-joins': { type: 'string', default: '5' },
      'pipe-seconds': { type: 'string', default: '8' },
      attendees: { type: 'string', default: '50' },
      votes: { type: 'string', default: '20' },
      'vote-interval-ms': { type: 'string', default: '500' },
    },
  });
  const viewers = Number(values.viewers);
  const rounds = Number(values.rounds);
  const singleJoins = Number(values['single-joins']);
  const pipeSeconds = Number(values['pipe-seconds']);
  const machine = {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  log(`${machine.cores} × ${machine.cpuModel}, load average ${machine.loadAverageAtStart.join(' ')}`);

  // Whatever happens (an error, Ctrl-C), nothing this run started may outlive it.
  const cleanup: (() => void)[] = [];
  const killAll = (): void => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        step();
      } catch {
        // Already gone.
      }
    }
  };
  const interrupted = (): void => {
    killAll();
    process.exit(130);
  };
  process.once('exit', killAll);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  let redis: RedisServer | undefined;
  let result: Record<string, unknown> | undefined;
  const nodes: ClusterNode[] = [];
  let feed: StageFeed | undefined;
  const qaChildren: ChildProcess[] = [];
  try {
    redis = await RedisServer.start();
    const server = redis;
    cleanup.push(() => void server.kill());
    // One after the other: the first seeds the demo event into the shared store, the second finds it.
    const a = await startClusterNode('A', redis);
    nodes.push(a);
    cleanup.push(() => a.rpc.child.kill('SIGKILL'));
    const b = await startClusterNode('B', redis);
    nodes.push(b);
    cleanup.push(() => b.rpc.child.kill('SIGKILL'));
    await waitFor(
      async () => ((await a.rpc.call('nodes', {})).length === 2 && (await b.rpc.call('nodes', {})).length === 2 ? true : undefined),
      10_000,
      'both nodes registered',
    );
    log(`nodes up: A ${a.url}, B ${b.url}, redis ${redis.url}`);

    feed = await feedStage(a.url, STAGE, CLIP_360P, log);
    const stageFeed = feed;
    cleanup.push(() => stageFeed.stop());
    const onA = await a.rpc.call('stage', { stageKey: STAGE_KEY });
    if (onA?.role !== 'origin') throw new Error(`node A should be the stage's origin: ${JSON.stringify(onA)}`);
    log(`feed live on A (${feed.producers} producers)`);
    const processes: Record<string, number | undefined> = {
      bench: process.pid,
      nodeA: a.rpc.pid,
      workerA: mediasoupWorkerPids(a.rpc.pid)[0],
      nodeB: b.rpc.pid,
      workerB: mediasoupWorkerPids(b.rpc.pid)[0],
      redis: childPids(process.pid).find((pid) => commandName(pid) === 'redis-server'),
      ffmpeg: feed.ffmpeg.pid,
    };

    // 1a. Single joins, one at a time. Cold: a first viewer on B while B holds no copy of the stage
    // (the join opens it, and the pipe from A); it leaves, B closes its copy and the pipe, and again.
    // The first is not counted (a process's first join pays for JIT and lazy loading).
    const cold: number[] = [];
    for (let i = 0; i <= singleJoins; i++) {
      await waitFor(
        async () =>
          (await b.rpc.call('stage', { stageKey: STAGE_KEY })) === null &&
          (await a.rpc.call('stage', { stageKey: STAGE_KEY }))?.edges.length === 0
            ? true
            : undefined,
        15_000,
        'B without the stage',
      );
      const { ms, viewer } = await joinOnce(b.url, tokenFor('attendee', STAGE.eventId, `cold viewer ${i}`));
      if (i > 0) cold.push(ms);
      const onB = await b.rpc.call('stage', { stageKey: STAGE_KEY });
      if (onB?.role !== 'edge' || onB.originNodeId !== a.id) throw new Error(`node B should be an edge of A: ${JSON.stringify(onB)}`);
      await viewer.leave();
    }
    log(`cold joins on B: ${cold.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    // 2. The pipe hop (no joins meanwhile); its egress viewers then keep B's copy of the stage open.
    log(`pipe hop: ${pipeSeconds} s of packets`);
    const pipeHop = await measurePipeHop(a, b, STAGE_KEY, pipeSeconds, processes, cleanup, log);

    // 1a (cont.). Warm single joins: B holds the stage now.
    const single = async (node: ClusterNode): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i <= singleJoins; i++) {
        const { ms, viewer } = await joinOnce(node.url, tokenFor('attendee', STAGE.eventId, `single viewer ${node.name}${i}`));
        if (i > 0) times.push(ms);
        await viewer.leave();
      }
      return times;
    };
    const warmA = await single(a);
    const warmB = await single(b);
    log(`single joins: A ${warmA.map((ms) => ms.toFixed(0)).join(', ')} ms; B ${warmB.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    // 1b. Waves of N viewers at once on each node, alternating which goes first, after a small
    // unreported wave on each (the first crowd of a process pays for JIT and lazy loading too).
    const warmup = Math.max(1, Math.min(20, Math.floor(viewers / 5)));
    for (const node of [a, b]) await wave(node, warmup, 'warmup', processes);
    const waves: WaveResult[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const node of r % 2 === 0 ? [a, b] : [b, a]) {
        const result = await wave(node, viewers, String(r), processes);
        waves.push(result);
        const s = summarize(result.latencies);
        const serving = result.cpu.processes[`node${node.name}`]?.cpuMs ?? 0;
        log(
          `round ${r + 1}, node ${node.name}: ${viewers} viewers in ${result.cpu.wallMs} ms, p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, ${result.failures} failed` +
            `${result.firstError ? ` (${result.firstError})` : ''}; node process CPU ${serving} ms, machine busy ${result.cpu.machineBusyCores} cores (this run ${result.cpu.thisRunCores})`,
        );
        await sleep(1000);
      }
    }
    const pooled = (name: 'A' | 'B'): Summary => summarize(waves.filter((w) => w.node === name).flatMap((w) => w.latencies));
    const originJoin = pooled('A');
    const edgeJoin = pooled('B');
    const onBAfter = await b.rpc.call('stage', { stageKey: STAGE_KEY });

    // 3. Q&A through the Socket.IO Redis adapter.
    const qa = await measureQa(
      a,
      b,
      {
        stageId: STAGE.stageId,
        attendeesPerNode: Number(values.attendees),
        votes: Number(values.votes),
        intervalMs: Number(values['vote-interval-ms']),
      },
      processes,
      qaChildren,
      log,
    );

    result = {
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      setup: {
        nodes:
          'two stagecast processes (Stagecast.start, STORE=redis, cluster timings at their defaults), one mediasoup worker each, one redis-server (appendfsync always) on loopback',
        stream: '360p VP8 ~500 kbps + Opus 64 kbps, ffmpeg copy mode, into node A (the origin)',
        edgeLink: onBAfter ? { role: onBAfter.role, originNodeId: onBAfter.originNodeId, producers: onBAfter.producers } : null,
      },
      join: {
        viewersPerWave: viewers,
        rounds,
        measured:
          'connect → join → device load → recv transport → consume + resume every producer (FakeHandler: no ICE/DTLS); all clients in this process',
        originNodeMs: originJoin,
        edgeNodeMs: edgeJoin,
        edgeMinusOriginMs: {
          p50: round1(edgeJoin.p50 - originJoin.p50),
          p95: round1(edgeJoin.p95 - originJoin.p95),
          p99: round1(edgeJoin.p99 - originJoin.p99),
        },
        cpuMsPerJoin: { originNode: cpuPerJoin(waves, 'A', viewers), edgeNode: cpuPerJoin(waves, 'B', viewers) },
        warmupViewers: warmup,
        waves: waves.map((w) => {
          const s = summarize(w.latencies);
          return { node: w.node, p50: s.p50, p95: s.p95, p99: s.p99, failures: w.failures, cpu: w.cpu };
        }),
        failures: waves.reduce((n, w) => n + w.failures, 0),
        singleJoinMs: { originNode: summarize(warmA), edgeNode: summarize(warmB), edgeNodeCold: summarize(cold) },
        singleJoin:
          'one viewer at a time; edgeNodeCold: B holds no copy of the stage, so the join opens it, asks A for a pipe and then for each producer (Redis pub/sub requests), and the viewer consumes',
      },
      pipeHop,
      qa,
      /** Warnings and errors the nodes logged during the run (their shutdown's are under shutdownLogs). */
      nodeLogs: Object.fromEntries(nodes.map((node) => [node.name, { ...node.logs, recent: [...node.logs.recent] }])),
    };
    return result;
  } finally {
    for (const child of qaChildren) if (child.connected) child.disconnect();
    feed?.stop();
    const before = new Map(nodes.map((node) => [node.name, node.logs.warnings + node.logs.errors]));
    for (const node of [...nodes].reverse()) await node.rpc.stop().catch(() => undefined);
    if (result) {
      result.shutdownLogs = Object.fromEntries(
        nodes.map((node) => {
          const count = node.logs.warnings + node.logs.errors - (before.get(node.name) ?? 0);
          return [node.name, { count, recent: count > 0 ? node.logs.recent.slice(-count) : [] }];
        }),
      );
    }
    await redis?.stop();
    killAll();
    process.off('exit', killAll);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
