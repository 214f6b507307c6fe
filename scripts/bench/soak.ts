// soak: a stage with a steady audience that keeps changing, for minutes. A real stagecast node alone in
// its process (hostedNode.ts), its keynote stage fed by ffmpeg (a 360p clip in copy mode). The audience
// (300 by default): a share on PlainTransports with SRTP that really receive the stream, the rest
// signaling viewers in client processes (viewerClients.ts), half of them with a WebRTC receive
// transport and resumed consumers. Every second a few viewers go (leave, drop the connection, or
// blink and resume) and new ones join, keeping the audience's size. Every ~10 s: the node's RSS and
// JS heap after a forced GC, its workers' RSS, open descriptors of both, the mediasoup objects (as
// Node and as the workers count them), sessions, and what /metrics and /api/health say. At the end
// everyone goes and, past the reconnect grace, what is left is compared with the start.
// Reported: the series, and per series the first-third vs last-third averages and the second half's trend.
import { parseArgs } from 'node:util';
import type { Census } from './hostedNode';
import { CLIP_360P } from './benchMedia';
import { type HostedNode, footprint, startHostedNode } from './hostedNodeProcess';
import { readHealth, readMetrics } from './opsSurface';
import { CpuMeter, mediasoupWorkerPids } from '../lib/proc';
import { growthOf, type SeriesSample } from './series';
import { feedStage } from './stageFeed';
import { UdpSink } from './udpSink';
import type { Outcome } from './viewerClients';
import { ViewerFleet } from './viewerFleet';
import { stageKey } from '../../server/stageKey';

const STAGE = { eventId: 'demo', stageId: 'keynote' };
const STAGE_KEY = stageKey(STAGE.eventId, STAGE.stageId);
/** The server's default reconnect grace (RECONNECT_GRACE_MS): dropped sessions are kept this long. */
const DEFAULT_GRACE_MS = 30_000;

function log(message: string): void {
  process.stderr.write(`[soak] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number | null): string => (bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** Spends a fractional rate in whole units: what is left over carries to the next call. */
class Carry {
  #rest = 0;
  take(amount: number): number {
    this.#rest += amount;
    const whole = Math.floor(this.#rest);
    this.#rest -= whole;
    return whole;
  }
}

interface Totals {
  plainOpened: number;
  plainClosed: number;
  signalingJoined: number;
  left: number;
  dropped: number;
  blinked: number;
  failures: number;
  errors: string[];
}

async function sample(
  node: HostedNode,
  fleet: ViewerFleet,
  cpu: { server: CpuMeter; workers: CpuMeter },
): Promise<Record<string, number | null>> {
  const f = await footprint(node, { gc: true });
  const census: Census = await node.rpc.call('census', { stageKey: STAGE_KEY });
  const [metrics, health, clients] = await Promise.all([readMetrics(node.url), readHealth(node.url, STAGE.eventId), fleet.status()]);
  const stage = health.latest?.stages.find((s) => s.stageId === STAGE.stageId);
  const sumTransports = (t: Record<string, number>): number => Object.values(t).reduce((s, n) => s + n, 0);
  return {
    serverRssBytes: f.serverRssBytes,
    heapUsedBytes: f.heapUsedBytes,
    externalBytes: f.externalBytes,
    serverFds: f.serverFds,
    workersRssBytes: f.workersRssBytes,
    workersFds: f.workersFds,
    ...Object.fromEntries(
      f.workers.flatMap((w, i) => [
        [`worker${i}RssBytes`, w.rssBytes],
        [`worker${i}Fds`, w.fds],
      ]),
    ),
    serverCpuPercent: cpu.server.read([node.pid]),
    workersCpuPercent: cpu.workers.read(mediasoupWorkerPids(node.pid)),
    connectedSockets: census.connectedSockets,
    sessions: census.sessions,
    stagePeers: census.stagePeers,
    plainViewers: census.plainViewers,
    distributionRouters: census.distributionRouters,
    routers: census.node.routers,
    webRtcTransports: census.node.transports.WebRtcTransport ?? 0,
    plainTransports: census.node.transports.PlainTransport ?? 0,
    pipeTransports: census.node.transports.PipeTransport ?? 0,
    transports: sumTransports(census.node.transports),
    consumers: census.node.consumers,
    producers: census.node.producers,
    workerSideRouters: census.workers?.routers ?? null,
    workerSideTransports: census.workers?.transports ?? null,
    workerSideConsumers: census.workers?.consumers ?? null,
    clientViewers: clients.viewers,
    clientJoined: clients.joined,
    clientConsumers: clients.consumers,
    metricsOpenFds: metrics.process_open_fds ?? null,
    metricsActiveHandles: metrics.nodejs_active_handles_total ?? null,
    metricsEventLoopLagP99Ms:
      metrics.nodejs_eventloop_lag_p99_seconds === undefined ? null : Math.round(metrics.nodejs_eventloop_lag_p99_seconds * 1e5) / 100,
    metricsConnectedSockets: metrics.stagecast_connected_sockets ?? null,
    healthViewers: stage?.viewers ?? null,
    healthConsumers: stage?.consumers ?? null,
    healthActiveConsumers: stage?.activeConsumers ?? null,
    healthReceivingViewers: stage?.receivingViewers ?? null,
    healthHistorySamples: health.historySamples,
    healthHistoryJsonBytes: health.historyJsonBytes,
  };
}

function logSample(label: string, v: Record<string, number | null>): void {
  log(
    `${label}: node RSS ${mib(v.serverRssBytes ?? null)}, heap ${mib(v.heapUsedBytes ?? null)}, fds ${v.serverFds}; workers RSS ${mib(v.workersRssBytes ?? null)}, fds ${v.workersFds}; ` +
      `sockets ${v.connectedSockets}, sessions ${v.sessions}, transports ${v.transports}, consumers ${v.consumers}; CPU node ${v.serverCpuPercent} %, workers ${v.workersCpuPercent} %`,
  );
}

function count(totals: Totals, outcome: Outcome): void {
  totals.failures += outcome.failed;
  for (const error of outcome.errors) if (totals.errors.length < 10) totals.errors.push(error);
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '300' },
      minutes: { type: 'string', default: '10' },
      churn: { type: 'string', default: '6' },
      'sample-seconds': { type: 'string', default: '10' },
      'plain-share': { type: 'string', default: '0.2' },
      'media-share': { type: 'string', default: '0.5' },
      processes: { type: 'string', default: '2' },
      'grace-ms': { type: 'string' },
      'history-ms': { type: 'string' },
    },
  });
  const viewers = Number(values.viewers);
  const durationMs = Number(values.minutes) * 60_000;
  const churnPerSecond = Number(values.churn);
  const sampleMs = Number(values['sample-seconds']) * 1000;
  const plainShare = Number(values['plain-share']);
  const mediaShare = Number(values['media-share']);
  const graceMs = values['grace-ms'] === undefined ? DEFAULT_GRACE_MS : Number(values['grace-ms']);
  const plainCount = Math.round(viewers * plainShare);
  const signalingCount = viewers - plainCount;
  const departureMix = { leave: 0.5, drop: 0.3, blink: 0.2 };
  const blinkPauseMs = 500;

  const sink = await UdpSink.open();
  let node: HostedNode | undefined;
  let fleet: ViewerFleet | undefined;
  let feed: Awaited<ReturnType<typeof feedStage>> | undefined;
  try {
    const env: Record<string, string> = { RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1', MEDIASOUP_NUM_WORKERS: '2' };
    if (values['grace-ms'] !== undefined) env.RECONNECT_GRACE_MS = values['grace-ms'];
    // The health history (10 minutes by default) fills during a run: a shorter one shows what else grows.
    if (values['history-ms'] !== undefined) env.HEALTH_HISTORY_MS = values['history-ms'];
    node = await startHostedNode(env);
    const hosted = node;
    feed = await feedStage(hosted.url, STAGE, CLIP_360P, log);
    fleet = await ViewerFleet.start(hosted.url, STAGE.stageId, Number(values.processes));
    const clients = fleet;
    const cpu = { server: new CpuMeter(), workers: new CpuMeter() };
    cpu.server.read([hosted.pid]);
    cpu.workers.read(mediasoupWorkerPids(hosted.pid));
    await sleep(3000);
    const baseline = await sample(hosted, clients, cpu);
    logSample('baseline (feed on, no viewers)', baseline);

    const totals: Totals = { plainOpened: 0, plainClosed: 0, signalingJoined: 0, left: 0, dropped: 0, blinked: 0, failures: 0, errors: [] };
    const withMedia = Math.round(signalingCount * mediaShare);
    log(
      `audience: ${plainCount} plain-RTP viewers with media, ${withMedia} signaling viewers with WebRTC consumers, ${signalingCount - withMedia} idle signaling viewers`,
    );
    const opened = await hosted.rpc.call('plainOpen', {
      stageKey: STAGE_KEY,
      count: plainCount,
      sinkPort: sink.port,
      consume: ['audio', 'video'],
    });
    totals.plainOpened += opened.opened;
    count(totals, { ok: opened.opened, failed: opened.failed, errors: opened.errors });
    const arrived = await clients.arrive(signalingCount, withMedia);
    totals.signalingJoined += signalingCount;
    count(totals, arrived);

    // Churn, one tick a second, and sampling alongside it.
    const started = Date.now();
    const series: SeriesSample[] = [];
    let stopped = false;
    const sampler = (async () => {
      for (let next = started; !stopped; next += sampleMs) {
        await sleep(Math.max(0, next - Date.now()));
        if (stopped) break;
        const reading = await sample(hosted, clients, cpu);
        const t = Math.round((Date.now() - started) / 1000);
        series.push({ t, values: reading });
        logSample(`t=${t}s`, reading);
      }
    })();
    const carry = { plain: new Carry(), leave: new Carry(), drop: new Carry(), blink: new Carry(), media: new Carry() };
    let ticks = 0;
    let maxTickMs = 0;
    const signalingChurn = churnPerSecond * (1 - plainShare);
    try {
      for (let next = started; Date.now() - started < durationMs; next += 1000) {
        await sleep(Math.max(0, next - Date.now()));
        const tickStart = Date.now();
        const plain = carry.plain.take(churnPerSecond * plainShare);
        const leave = carry.leave.take(signalingChurn * departureMix.leave);
        const drop = carry.drop.take(signalingChurn * departureMix.drop);
        const blink = carry.blink.take(signalingChurn * departureMix.blink);
        // Plain viewers turn over in the node; signaling viewers go, then as many new ones come.
        const plainTurnover = Promise.all([
          hosted.rpc.call('plainClose', { count: plain }),
          hosted.rpc.call('plainOpen', { stageKey: STAGE_KEY, count: plain, sinkPort: sink.port, consume: ['audio', 'video'] }),
        ]);
        plainTurnover.catch(() => undefined); // awaited below; only a dead node process rejects it
        const departed = await clients.depart({ leave, drop, blink }, blinkPauseMs);
        const gone = departed.left + departed.dropped;
        const joined = await clients.arrive(gone, Math.min(gone, carry.media.take(gone * mediaShare)));
        const [closed, reopened] = await plainTurnover;
        totals.plainClosed += closed.closed;
        totals.plainOpened += reopened.opened;
        count(totals, { ok: reopened.opened, failed: reopened.failed, errors: reopened.errors });
        totals.left += departed.left;
        totals.dropped += departed.dropped;
        totals.blinked += departed.blinked;
        totals.signalingJoined += gone;
        count(totals, departed);
        count(totals, joined);
        ticks += 1;
        maxTickMs = Math.max(maxTickMs, Date.now() - tickStart);
      }
    } finally {
      stopped = true;
      await sampler;
    }
    log(
      `churn done: ${ticks} ticks (longest ${maxTickMs} ms), ${totals.signalingJoined + totals.plainOpened} joins, ${totals.failures} failures`,
    );

    // Everyone goes (half leave, half drop); past the reconnect grace nothing of theirs should remain.
    count(totals, await clients.departAll(0.5));
    await hosted.rpc.call('plainClose', { count: viewers * 10 });
    log(`everyone left; waiting out the reconnect grace (${graceMs} ms)`);
    await sleep(graceMs + 5000);
    const afterAllLeft = await sample(hosted, clients, cpu);
    logSample('after everyone left', afterAllLeft);
    const leftover = Object.fromEntries(
      Object.entries(afterAllLeft).flatMap(([key, value]) => {
        const before = baseline[key];
        return value === null || before === null || before === undefined ? [] : [[key, Math.round((value - before) * 100) / 100]];
      }),
    );

    return {
      stage: STAGE_KEY,
      stream: 'VP8 360p ~500 kbps + Opus 64 kbps (ffmpeg copy mode)',
      viewers,
      audience: { plainWithMedia: plainCount, signalingWithWebRtcConsumers: withMedia, signalingIdle: signalingCount - withMedia },
      minutes: Number(values.minutes),
      churnPerSecond,
      departureMix,
      reconnectGraceMs: graceMs,
      healthHistoryMs: values['history-ms'] === undefined ? 600_000 : Number(values['history-ms']),
      sampleSeconds: sampleMs / 1000,
      ticks,
      maxTickMs,
      totals,
      nodeLogs: hosted.logs,
      growth: growthOf(series),
      baseline,
      afterAllLeft,
      leftoverVsBaseline: leftover,
      series: series.map((s) => ({ t: s.t, ...s.values })),
    };
  } finally {
    await fleet?.stop();
    feed?.stop();
    await node?.stop();
    sink.close();
  }
}
