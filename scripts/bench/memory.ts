// memory: what one viewer costs in memory, by what it holds. A real stagecast node runs alone in its
// own process (hostedNode.ts) with two mediasoup workers, its keynote stage fed by ffmpeg (a 360p clip
// in copy mode); signaling viewers run in client processes (viewerClients.ts), never in the node's.
// Steps, each measured after the node settles and a forced GC (the node runs with --expose-gc):
//   1. for each socket level (1,000 and 5,000 by default): sockets connect (handshake, no request),
//      then join the stage (a session and a media peer, no transport);
//   2. some joined viewers open a WebRTC receive transport, then consume and resume audio and video
//      (FakeHandler: no ICE/DTLS, so nothing is sent; the objects are all there);
//   3. viewers on PlainTransports with SRTP that really receive the stream open, then consume audio,
//      then video (mediasoup keeps a retransmission buffer per video consumer).
// Reported: the node's RSS (VmRSS) and JS heap, its workers' RSS and open descriptors, before and after
// each step, and bytes per socket, per joined viewer, per transport and per consumer.
// With --compare-worker <binary>, a second node whose workers run that binary (MEDIASOUP_WORKER_BIN)
// repeats step 3 alone, and the final JSON holds both workers' bytes per plain viewer, audio and video
// consumer, and the ratio (this run's worker / the compared one). With --no-transport-cc, the plain
// viewers consume without transport-wide-cc: their transports then keep no congestion-control send
// history (libwebrtc keeps 60 s of it per transport that has one), leaving the consumers' own cost.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Census } from './hostedNode';
import { type Footprint, type HostedNode, footprint, startHostedNode } from './hostedNodeProcess';
import { type ClipSpec, CLIP_360P, CLIP_720P } from './benchMedia';
import { feedStage } from './stageFeed';
import { CpuMeter, mediasoupWorkerPids } from '../lib/proc';
import { UdpSink } from './udpSink';
import { ViewerFleet } from './viewerFleet';
import type { Outcome } from './viewerClients';
import { stageKey } from '../../server/stageKey';

const STAGE = { eventId: 'demo', stageId: 'keynote' };
const STAGE_KEY = stageKey(STAGE.eventId, STAGE.stageId);

function log(message: string): void {
  process.stderr.write(`[memory] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number | null): string => (bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

interface Step {
  step: string;
  /** What the step added: sockets, viewers, transports or consumers. */
  added: number;
  unit: string;
  footprint: Footprint;
  census: Census;
  /** CPU over the step (from the previous reading to this one), percent of one core. */
  serverCpuPercent: number;
  workersCpuPercent: number;
  failures: number;
}

interface PerUnit {
  step: string;
  unit: string;
  added: number;
  /** The node's whole RSS change over the step: a V8 heap shrinking after the forced GC makes ±30 MiB of noise. */
  serverRssDeltaBytes: number | null;
  serverRssBytes: number | null;
  heapUsedBytes: number;
  workersRssBytes: number;
  workersFds: number;
  serverFds: number | null;
}

/** The difference between two steps, per unit the later one added. */
function perUnit(before: Step, after: Step): PerUnit {
  const n = Math.max(1, after.added);
  const per = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.round((b - a) / n));
  return {
    step: after.step,
    unit: after.unit,
    added: after.added,
    serverRssDeltaBytes:
      before.footprint.serverRssBytes === null || after.footprint.serverRssBytes === null
        ? null
        : after.footprint.serverRssBytes - before.footprint.serverRssBytes,
    serverRssBytes: per(before.footprint.serverRssBytes, after.footprint.serverRssBytes),
    heapUsedBytes: Math.round((after.footprint.heapUsedBytes - before.footprint.heapUsedBytes) / n),
    workersRssBytes: Math.round((after.footprint.workersRssBytes - before.footprint.workersRssBytes) / n),
    workersFds: Math.round(((after.footprint.workersFds - before.footprint.workersFds) / n) * 100) / 100,
    serverFds: per(before.footprint.serverFds, after.footprint.serverFds),
  };
}

/**
 * The node under test: two mediasoup workers, media on loopback. Every viewer here comes from one
 * address (127.0.0.1): the per-address caps and the admission of WebRTC viewers are lifted so that
 * each step gets the viewers it asks for (what they cost is measured, not whether they are let in).
 */
const NODE_ENV = {
  RTC_LISTEN_IP: '127.0.0.1',
  ANNOUNCED_IP: '127.0.0.1',
  MEDIASOUP_NUM_WORKERS: '2',
  MAX_SOCKETS_PER_IP: '1000000',
  MAX_PEERS_PER_IP: '1000000',
  MAX_TRANSPORTS_PER_IP: '2000000',
  JOIN_RATE_LIMIT_PER_MINUTE: '100000',
  WEBRTC_VIEWER_BUDGET: '1000000',
  WEBRTC_CPU_CEILING_PERCENT: '0',
};

const CLIPS: Record<string, { spec: ClipSpec; stream: string }> = {
  '360p': { spec: CLIP_360P, stream: 'VP8 360p ~500 kbps + Opus 64 kbps (ffmpeg copy mode)' },
  '720p': { spec: CLIP_720P, stream: 'VP8 720p ~1.5 Mbps + Opus 64 kbps (ffmpeg copy mode)' },
};

/** The binary a node's workers run (MEDIASOUP_WORKER_BIN, else the one our install built), and a hash to tell binaries apart. */
function workerBinary(bin: string | undefined): { path: string; sha256: string | null } {
  const file = bin ?? path.join(path.dirname(require.resolve('mediasoup')), '..', 'worker', 'out', 'Release', 'mediasoup-worker');
  try {
    return { path: file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16) };
  } catch {
    return { path: file, sha256: null };
  }
}

/** Readings of one node: footprint after a forced GC, census, CPU since the previous reading. */
class Recorder {
  readonly steps: Step[] = [];
  failures = 0;
  readonly #cpu = { server: new CpuMeter(), workers: new CpuMeter() };

  constructor(
    private readonly hosted: HostedNode,
    private readonly settleMs: number,
  ) {
    this.#cpu.server.read([hosted.pid]);
    this.#cpu.workers.read(mediasoupWorkerPids(hosted.pid));
  }

  async measure(step: string, added: number, unit: string, outcome?: Outcome, waitMs = this.settleMs): Promise<Step> {
    if (outcome && outcome.failed > 0) log(`${step}: ${outcome.failed} failed, e.g. ${outcome.errors[0]}`);
    this.failures += outcome?.failed ?? 0;
    await sleep(waitMs);
    const serverCpuPercent = this.#cpu.server.read([this.hosted.pid]);
    const workersCpuPercent = this.#cpu.workers.read(mediasoupWorkerPids(this.hosted.pid));
    const f = await footprint(this.hosted, { gc: true });
    const census = await this.hosted.rpc.call('census', { stageKey: STAGE_KEY });
    const result: Step = { step, added, unit, footprint: f, census, serverCpuPercent, workersCpuPercent, failures: outcome?.failed ?? 0 };
    log(
      `${step}: node RSS ${mib(f.serverRssBytes)}, heap ${mib(f.heapUsedBytes)}, fds ${f.serverFds}; workers RSS ${mib(f.workersRssBytes)}, fds ${f.workersFds}; ` +
        `sockets ${census.connectedSockets}, consumers ${census.node.consumers}; CPU node ${serverCpuPercent} %, workers ${workersCpuPercent} %`,
    );
    this.steps.push(result);
    return result;
  }
}

/** Step 3: viewers on PlainTransports with SRTP open, then consume audio, then video; media flows to the sink. */
async function plainViewers(
  hosted: HostedNode,
  recorder: Recorder,
  previous: Step,
  sink: UdpSink,
  options: { count: number; fillMs: number; transportCc: boolean },
): Promise<{ perUnit: PerUnit[]; sinkPackets: number }> {
  log(`${options.count} viewers on PlainTransports (SRTP) open`);
  const opened = await hosted.rpc.call('plainOpen', { stageKey: STAGE_KEY, count: options.count, sinkPort: sink.port, consume: [] });
  const transports = await recorder.measure('plain transports', options.count, 'PlainTransport + media peer', {
    ok: opened.opened,
    failed: opened.failed,
    errors: opened.errors,
  });
  const audio = await hosted.rpc.call('plainConsume', { stageKey: STAGE_KEY, kind: 'audio', transportCc: options.transportCc });
  const audioStep = await recorder.measure(
    'plain audio consumers',
    audio.consumers,
    'audio consumer (media flowing)',
    { ok: audio.consumers, failed: audio.failed, errors: audio.errors },
    options.fillMs,
  );
  const packetsBefore = await sink.count();
  const video = await hosted.rpc.call('plainConsume', { stageKey: STAGE_KEY, kind: 'video', transportCc: options.transportCc });
  const videoStep = await recorder.measure(
    'plain video consumers',
    video.consumers,
    'video consumer (media flowing)',
    { ok: video.consumers, failed: video.failed, errors: video.errors },
    options.fillMs,
  );
  return {
    perUnit: [perUnit(previous, transports), perUnit(transports, audioStep), perUnit(audioStep, videoStep)],
    sinkPackets: (await sink.count()) - packetsBefore,
  };
}

/** A second node whose workers run `bin`: the stage fed the same way, step 3 alone. */
async function comparedWorker(
  bin: string,
  clip: ClipSpec,
  sink: UdpSink,
  options: { count: number; fillMs: number; settleMs: number; transportCc: boolean },
): Promise<{ perUnit: PerUnit[]; sinkPackets: number; failures: number; steps: Step[]; nodeLogs: HostedNode['logs'] }> {
  let node: HostedNode | undefined;
  let feed: Awaited<ReturnType<typeof feedStage>> | undefined;
  try {
    node = await startHostedNode(NODE_ENV, { workerBin: bin });
    log(`compared node pid ${node.pid} (workers: ${bin})`);
    feed = await feedStage(node.url, STAGE, clip, log);
    const recorder = new Recorder(node, options.settleMs);
    const baseline = await recorder.measure('compared: baseline', 0, 'none');
    const plain = await plainViewers(node, recorder, baseline, sink, options);
    return { ...plain, failures: recorder.failures, steps: recorder.steps, nodeLogs: node.logs };
  } finally {
    feed?.stop();
    await node?.stop();
  }
}

/** Workers' bytes per plain viewer, audio and video consumer, from step 3's per-unit rows. */
function workerBytes(rows: PerUnit[]): { plainViewer: number; audioConsumer: number; videoConsumer: number } {
  const [plainViewer, audioConsumer, videoConsumer] = rows.map((row) => row.workersRssBytes);
  return { plainViewer, audioConsumer, videoConsumer };
}

function stepJson(s: Step): Record<string, unknown> {
  return {
    step: s.step,
    added: s.added,
    unit: s.unit,
    failures: s.failures,
    serverCpuPercent: s.serverCpuPercent,
    workersCpuPercent: s.workersCpuPercent,
    ...s.footprint,
    census: s.census,
  };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      sockets: { type: 'string', default: '1000,5000' },
      webrtc: { type: 'string', default: '500' },
      plain: { type: 'string', default: '300' },
      processes: { type: 'string' },
      'settle-seconds': { type: 'string', default: '5' },
      'fill-seconds': { type: 'string', default: '15' },
      clip: { type: 'string', default: '360p' },
      'compare-worker': { type: 'string' },
      'no-transport-cc': { type: 'boolean', default: false },
    },
  });
  const levels = values.sockets
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const top = levels.at(-1) ?? 0;
  const webrtc = Math.min(Number(values.webrtc), top);
  const plain = Number(values.plain);
  const processes = Number(values.processes ?? Math.max(1, Math.ceil(top / 1000)));
  const settleMs = Number(values['settle-seconds']) * 1000;
  const fillMs = Number(values['fill-seconds']) * 1000;
  const clip = CLIPS[values.clip];
  if (!clip) throw new Error(`--clip: one of ${Object.keys(CLIPS).join(', ')}`);
  const compareWorker = values['compare-worker'];
  const transportCc = !values['no-transport-cc'];
  if (compareWorker !== undefined && !fs.existsSync(compareWorker)) throw new Error(`--compare-worker: no file ${compareWorker}`);

  const sink = await UdpSink.open();
  let node: HostedNode | undefined;
  let fleet: ViewerFleet | undefined;
  let feed: Awaited<ReturnType<typeof feedStage>> | undefined;
  try {
    node = await startHostedNode(NODE_ENV);
    const hosted = node;
    log(`node pid ${hosted.pid} at ${hosted.url}`);
    feed = await feedStage(hosted.url, STAGE, clip.spec, log);
    fleet = await ViewerFleet.start(hosted.url, STAGE.stageId, processes);
    const viewers = fleet;
    log(`${processes} client processes (pids ${viewers.pids.join(', ')})`);

    const recorder = new Recorder(hosted, settleMs);
    const measure = recorder.measure.bind(recorder);
    const baseline = await measure('baseline', 0, 'none');
    const perUnits: PerUnit[] = [];
    const idleTotals: {
      sockets: number;
      serverRssBytesPerViewer: number | null;
      heapUsedBytesPerViewer: number;
      workersRssBytesPerViewer: number;
    }[] = [];
    let sockets = 0;
    let previousJoined = baseline;
    for (const level of levels) {
      const adding = level - sockets;
      log(`connecting ${adding} sockets (to ${level})`);
      const connected = await measure(`connected ${level}`, adding, 'socket', await viewers.connect(adding));
      perUnits.push(perUnit(previousJoined, connected));
      log(`joining them to ${STAGE_KEY}`);
      const joined = await measure(`joined ${level}`, adding, 'joined viewer (over a connected socket)', await viewers.join(adding));
      perUnits.push(perUnit(connected, joined));
      perUnits.push({
        ...perUnit(previousJoined, joined),
        step: `idle viewers ${sockets} → ${level}`,
        unit: 'idle viewer (socket + join)',
      });
      const total = perUnit(baseline, { ...joined, added: level });
      idleTotals.push({
        sockets: level,
        serverRssBytesPerViewer: total.serverRssBytes,
        heapUsedBytesPerViewer: total.heapUsedBytes,
        workersRssBytesPerViewer: total.workersRssBytes,
      });
      previousJoined = joined;
      sockets = level;
    }

    log(`${webrtc} joined viewers open a WebRTC receive transport`);
    const transports = await measure('WebRTC transports', webrtc, 'WebRTC transport', await viewers.openTransports(webrtc));
    perUnits.push(perUnit(previousJoined, transports));
    log('… and consume audio and video');
    const consumed = await viewers.consume(webrtc);
    const webrtcConsumers = await measure('WebRTC consumers', webrtc * feed.producers, 'consumer (WebRTC, no media sent)', consumed);
    perUnits.push(perUnit(transports, webrtcConsumers));

    const plainResult = await plainViewers(hosted, recorder, webrtcConsumers, sink, { count: plain, fillMs, transportCc });
    perUnits.push(...plainResult.perUnit);
    await fleet.stop();
    fleet = undefined;
    feed.stop();
    feed = undefined;
    await node.stop();
    node = undefined;

    let workerComparison: Record<string, unknown> | undefined;
    if (compareWorker !== undefined) {
      const compared = await comparedWorker(compareWorker, clip.spec, sink, { count: plain, fillMs, settleMs, transportCc });
      const current = workerBytes(plainResult.perUnit);
      const other = workerBytes(compared.perUnit);
      const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
      workerComparison = {
        current: { worker: workerBinary(process.env.MEDIASOUP_WORKER_BIN), workersRssBytesPer: current },
        compared: { worker: workerBinary(compareWorker), workersRssBytesPer: other },
        videoConsumerRatio: ratio(current.videoConsumer, other.videoConsumer),
        audioConsumerRatio: ratio(current.audioConsumer, other.audioConsumer),
        comparedPerUnit: compared.perUnit,
        comparedSinkPackets: compared.sinkPackets,
        comparedFailures: compared.failures,
        comparedNodeLogs: compared.nodeLogs,
        comparedSteps: compared.steps.map(stepJson),
      };
      log(
        `per video consumer: ${current.videoConsumer} B (this worker) vs ${other.videoConsumer} B (${compareWorker}): ratio ${String(workerComparison.videoConsumerRatio)}`,
      );
    }

    for (const p of perUnits)
      log(
        `per ${p.unit} (${p.step}, ${p.added}): node RSS ${p.serverRssBytes} B, heap ${p.heapUsedBytes} B, workers RSS ${p.workersRssBytes} B, worker fds ${p.workersFds}`,
      );
    return {
      stage: STAGE_KEY,
      stream: clip.stream,
      plainViewersTransportCc: transportCc,
      mediasoupWorkers: 2,
      worker: workerBinary(process.env.MEDIASOUP_WORKER_BIN),
      clientProcesses: processes,
      heapAfterForcedGc: recorder.steps.every((s) => s.footprint.gcForced),
      perUnit: perUnits,
      idleViewerTotals: idleTotals,
      plainSinkPacketsDuringVideoStep: plainResult.sinkPackets,
      failures: recorder.failures,
      nodeLogs: hosted.logs,
      steps: recorder.steps.map(stepJson),
      ...(workerComparison ? { workerComparison } : {}),
    };
  } finally {
    await fleet?.stop();
    feed?.stop();
    await node?.stop();
    sink.close();
  }
}
