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
import { parseArgs } from 'node:util';
import type { Census } from './hostedNode';
import { type Footprint, type HostedNode, footprint, startHostedNode } from './hostedNodeProcess';
import { CLIP_360P } from './benchMedia';
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

  const sink = await UdpSink.open();
  let node: HostedNode | undefined;
  let fleet: ViewerFleet | undefined;
  let feed: Awaited<ReturnType<typeof feedStage>> | undefined;
  try {
    node = await startHostedNode({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1', MEDIASOUP_NUM_WORKERS: '2' });
    const hosted = node;
    log(`node pid ${hosted.pid} at ${hosted.url}`);
    feed = await feedStage(hosted.url, STAGE, CLIP_360P, log);
    fleet = await ViewerFleet.start(hosted.url, STAGE.stageId, processes);
    const viewers = fleet;
    log(`${processes} client processes (pids ${viewers.pids.join(', ')})`);

    const steps: Step[] = [];
    let failures = 0;
    const cpu = { server: new CpuMeter(), workers: new CpuMeter() };
    cpu.server.read([hosted.pid]);
    cpu.workers.read(mediasoupWorkerPids(hosted.pid));
    const measure = async (step: string, added: number, unit: string, outcome?: Outcome, waitMs = settleMs): Promise<Step> => {
      if (outcome && outcome.failed > 0) log(`${step}: ${outcome.failed} failed, e.g. ${outcome.errors[0]}`);
      failures += outcome?.failed ?? 0;
      await sleep(waitMs);
      const serverCpuPercent = cpu.server.read([hosted.pid]);
      const workersCpuPercent = cpu.workers.read(mediasoupWorkerPids(hosted.pid));
      const f = await footprint(hosted, { gc: true });
      const census = await hosted.rpc.call('census', { stageKey: STAGE_KEY });
      const result: Step = { step, added, unit, footprint: f, census, serverCpuPercent, workersCpuPercent, failures: outcome?.failed ?? 0 };
      log(
        `${step}: node RSS ${mib(f.serverRssBytes)}, heap ${mib(f.heapUsedBytes)}, fds ${f.serverFds}; workers RSS ${mib(f.workersRssBytes)}, fds ${f.workersFds}; ` +
          `sockets ${census.connectedSockets}, consumers ${census.node.consumers}; CPU node ${serverCpuPercent} %, workers ${workersCpuPercent} %`,
      );
      steps.push(result);
      return result;
    };

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

    log(`${plain} viewers on PlainTransports (SRTP) open`);
    const opened = await hosted.rpc.call('plainOpen', { stageKey: STAGE_KEY, count: plain, sinkPort: sink.port, consume: [] });
    const plainTransports = await measure('plain transports', plain, 'PlainTransport + media peer', {
      ok: opened.opened,
      failed: opened.failed,
      errors: opened.errors,
    });
    perUnits.push(perUnit(webrtcConsumers, plainTransports));
    const audio = await hosted.rpc.call('plainConsume', { stageKey: STAGE_KEY, kind: 'audio' });
    const audioStep = await measure(
      'plain audio consumers',
      audio.consumers,
      'audio consumer (media flowing)',
      { ok: audio.consumers, failed: audio.failed, errors: audio.errors },
      fillMs,
    );
    perUnits.push(perUnit(plainTransports, audioStep));
    const packetsBefore = await sink.count();
    const video = await hosted.rpc.call('plainConsume', { stageKey: STAGE_KEY, kind: 'video' });
    const videoStep = await measure(
      'plain video consumers',
      video.consumers,
      'video consumer (media flowing)',
      { ok: video.consumers, failed: video.failed, errors: video.errors },
      fillMs,
    );
    perUnits.push(perUnit(audioStep, videoStep));
    const sinkPackets = (await sink.count()) - packetsBefore;

    for (const p of perUnits)
      log(
        `per ${p.unit} (${p.step}, ${p.added}): node RSS ${p.serverRssBytes} B, heap ${p.heapUsedBytes} B, workers RSS ${p.workersRssBytes} B, worker fds ${p.workersFds}`,
      );
    return {
      stage: STAGE_KEY,
      stream: 'VP8 360p ~500 kbps + Opus 64 kbps (ffmpeg copy mode)',
      mediasoupWorkers: 2,
      clientProcesses: processes,
      heapAfterForcedGc: steps.every((s) => s.footprint.gcForced),
      perUnit: perUnits,
      idleViewerTotals: idleTotals,
      plainSinkPacketsDuringVideoStep: sinkPackets,
      failures,
      nodeLogs: hosted.logs,
      steps: steps.map((s) => ({
        step: s.step,
        added: s.added,
        unit: s.unit,
        failures: s.failures,
        serverCpuPercent: s.serverCpuPercent,
        workersCpuPercent: s.workersCpuPercent,
        ...s.footprint,
        census: s.census,
      })),
    };
  } finally {
    await fleet?.stop();
    feed?.stop();
    await node?.stop();
    sink.close();
  }
}
