// health: the cost of one stream-health sample with 0, 100 and 500 viewers on an ffmpeg-fed stage.
// Viewers are plain-RTP egress peers on distribution routers (MediaPeer.createEgressTransport), each
// consuming the feed's audio and video, created in this process like the switch benchmark's. For each
// viewer count it takes N samples one after the other and reports each sample's wall time and this
// process's CPU (user + system, all its threads; the UDP drain runs in another process) while taking it,
// the round trip of a bare worker request next to it (a sample's wall time is mostly waiting for the
// workers' answers, so it follows their load), the worker requests one sample makes, the rate of
// consumer score push events (the event-driven part of the cost), and this process's CPU at rest.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { startStagecast, tokenFor } from '../lib/inProcess';
import { waitFor } from '../lib/wait';
import { summarize, type Summary } from './stats';
import { UdpSink } from './udpSink';

const STAGE_KEY = 'demo/keynote';

function log(message: string): void {
  process.stderr.write(`[health] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

interface LevelResult {
  viewers: number;
  consumers: number;
  distributionRouters: number;
  workerRequestsPerSample: number;
  sampleWallMs: Summary;
  sampleCpuMs: Summary;
  /** A bare worker request (getResourceUsage on every worker) just before each sample: how responsive the workers are. */
  workerRoundTripMs: Summary;
  scoreEventsPerSecond: number;
  processCpuAtRestPercent: number;
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { viewers: { type: 'string', default: '0,100,500' }, samples: { type: 'string', default: '30' } },
  });
  const levels = String(values.viewers)
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const samplesPerLevel = Number(values.samples);
  // The sampler's own timer stays out of the way (first tick after a minute); we call sampleNow().
  const node = await startStagecast({ HEALTH_SAMPLE_INTERVAL_MS: '60000' });
  const drain = await UdpSink.open();
  let encoder: ChildProcess | undefined;
  try {
    const host = { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` };
    const res = await fetch(`${node.url}/api/events/demo/stages/keynote/ingest`, { method: 'POST', headers: host, body: '{}' });
    encoder = spawnFfmpegIngest((await res.json()) as IngestTargetDto, { size: '320x180', videoBitrate: '300k', audioFrameMs: 60 });
    const { health } = node.node.ops;
    const stage = node.node.media.existingStage(STAGE_KEY);
    if (!stage) throw new Error('stage media did not open');
    await waitFor(async () => ((await health.sampleNow()).stages[0]?.sources[0]?.receiving ? true : undefined), 15_000, 'the feed flowing');
    const tracker = health.trackerOf(stage);
    if (!tracker) throw new Error('the stage has no tracker');

    const results: LevelResult[] = [];
    let viewers = 0;
    for (const level of levels) {
      log(`adding viewers: ${viewers} → ${level}`);
      for (; viewers < level; viewers++) {
        const peer = await node.node.media.createPeer(STAGE_KEY, {
          participantId: `v${viewers}`,
          displayName: `viewer ${viewers}`,
          followsProgram: true,
        });
        await peer.createEgressTransport({ ip: '127.0.0.1', port: drain.port });
        for (const source of stage.sources) {
          for (const { producerId } of source.producers)
            await peer.resumeConsumer((await peer.consume(producerId, stage.rtpCapabilities)).id);
        }
      }
      await sleep(2000);

      // This process at rest (no sampling): what the viewers cost it anyway (score events, channel).
      const restCpu = process.cpuUsage();
      const restStart = performance.now();
      const eventsBefore = tracker.counts().scoreEvents;
      await sleep(3000);
      const restMs = performance.now() - restStart;
      const processCpuAtRestPercent = (100 * cpuMsSince(restCpu)) / restMs;
      const scoreEventsPerSecond = ((tracker.counts().scoreEvents - eventsBefore) * 1000) / restMs;

      const wall: number[] = [];
      const cpu: number[] = [];
      const roundTrip: number[] = [];
      let requests = 0;
      for (let i = 0; i < samplesPerLevel; i++) {
        const pinged = performance.now();
        await Promise.all(node.node.workers.workers.map((w) => w.getResourceUsage()));
        roundTrip.push(performance.now() - pinged);
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const sample = await health.sampleNow();
        wall.push(performance.now() - started);
        cpu.push(cpuMsSince(cpuStart));
        requests =
          sample.workers.filter((w) => w.alive).length +
          sample.stages.reduce((n, s) => n + s.sources.reduce((m, src) => m + src.producers.length + (src.feed?.length ?? 0), 0), 0);
        await sleep(100);
      }
      const counts = tracker.counts();
      const result: LevelResult = {
        viewers: level,
        consumers: counts.consumers,
        distributionRouters: stage.distributionRouters.length,
        workerRequestsPerSample: requests,
        sampleWallMs: summarize(wall),
        sampleCpuMs: summarize(cpu),
        workerRoundTripMs: summarize(roundTrip),
        scoreEventsPerSecond: Math.round(scoreEventsPerSecond * 10) / 10,
        processCpuAtRestPercent: Math.round(processCpuAtRestPercent * 10) / 10,
      };
      log(
        `${level} viewers: sample wall p50 ${result.sampleWallMs.p50} ms (p95 ${result.sampleWallMs.p95}), CPU p50 ${result.sampleCpuMs.p50} ms, worker round trip p50 ${result.workerRoundTripMs.p50} ms, ${requests} worker requests, ${result.scoreEventsPerSecond} score events/s`,
      );
      results.push(result);
    }
    return {
      samplesPerLevel,
      growth:
        'per sample: one worker request per source producer, per on-site feed transport and per worker, O(1) per stage; nothing per viewer (consumer scores and states arrive as push events into per-stage counters)',
      levels: results,
    };
  } finally {
    encoder?.kill('SIGKILL');
    drain.close();
    await node.stop();
  }
}
