// fanout: one stage fed with a pre-encoded 720p VP8 + Opus clip pushed by ffmpeg in copy mode, N viewers
// receiving it over PlainTransports with SRTP (the encryption a WebRTC viewer costs) to a UDP sink in
// another process. For each N: the workers' CPU per forwarded packet with stagecast (its control plane
// running: health sampling, pipes to distribution routers) and with a bare mediasoup router carrying the
// same consumers, their ratio, the kernel's own cost of one UDP send measured in the same run, and
// viewers per core at this stream's packet rate (workers only, and the whole node with Node's CPU).
// With an unpatched worker at hand (`node scripts/build-worker.mjs --bare`, or --bare-worker <binary>),
// the bare engine runs once more on it, in a child process, and the ratio to stagecast is reported too.
// Past what two workers can forward (about 500 viewers of this stream here) mediasoup's channel
// requests time out while viewers are set up, and the run stops there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { IngestTargetDto } from '../ffmpegIngest';
import { startStagecast, tokenFor } from '../lib/inProcess';
import { buildHelper, srtpKey } from './benchMedia';
import { type Window, bareWindow, bareWindowOn, clip, measure, pushClip } from './fanoutWindow';
import { UdpSink } from './udpSink';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function log(message: string): void {
  process.stderr.write(`[fanout] ${message}\n`);
}

function kernelSendCost(): { cpuUsPerSend: number } {
  const binary = buildHelper('udpSendCost');
  const result = spawnSync(binary, ['300000', '1200'], { encoding: 'utf8' });
  return JSON.parse(result.stdout) as { cpuUsPerSend: number };
}

/** stagecast: a real node (REST ingest, health sampling on, viewers on distribution routers fed by pipes). */
async function stagecastWindow(viewers: number, sink: UdpSink, seconds: number): Promise<Window> {
  const node = await startStagecast({ HEALTH_SAMPLE_INTERVAL_MS: '1000' });
  try {
    const res = await fetch(`${node.url}/api/events/demo/stages/keynote/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: '{}',
    });
    const generator = pushClip((await res.json()) as IngestTargetDto);
    try {
      const stage = node.node.media.existingStage('demo/keynote')!;
      for (let i = 0; i < viewers; i++) {
        const peer = await node.node.media.createPeer('demo/keynote', {
          participantId: `v${i}`,
          displayName: `v${i}`,
          followsProgram: true,
        });
        await peer.createEgressTransport({ ip: '127.0.0.1', port: sink.port, srtp: srtpKey() });
        for (const { producerId } of stage.sources[0].producers)
          await peer.resumeConsumer((await peer.consume(producerId, stage.rtpCapabilities)).id);
      }
      await sleep(2000);
      const producers = stage.sourceMedia.flatMap((source) => [...source.producers]);
      return await measure(node.node.workers.workers, producers, viewers, generator, () => sink.count(), seconds);
    } finally {
      generator.kill('SIGKILL');
    }
  } finally {
    await node.stop();
  }
}

/** The unpatched worker `node scripts/build-worker.mjs --bare` left in the cache, if there is one. */
function bareWorkerBuild(): string | undefined {
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'stagecast', 'mediasoup-worker');
  const dir = fs.existsSync(cache) ? fs.readdirSync(cache).find((name) => name.includes('-bare-')) : undefined;
  const binary = dir && path.join(cache, dir, 'mediasoup-worker');
  return binary && fs.existsSync(binary) ? binary : undefined;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The window whose cost is the median of the rounds' (the lower middle one of an even count). */
function medianWindow(windows: Window[], cost: (w: Window) => number): Window {
  const sorted = [...windows].sort((a, b) => cost(a) - cost(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('no window to take the median of');
  return median;
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '100,250,500' },
      seconds: { type: 'string', default: '10' },
      'bare-worker': { type: 'string', default: bareWorkerBuild() },
      // Windows of each kind per viewer count, alternated (stagecast, bare, unpatched, stagecast…): the
      // figures are their medians, since one window of a kind can differ from the next by 20 % here.
      rounds: { type: 'string', default: '1' },
    },
  });
  const rounds = Math.max(1, Number(values.rounds));
  const bareWorker = values['bare-worker'];
  if (bareWorker) log(`unpatched worker for comparison: ${bareWorker}`);
  else log('no unpatched worker to compare with (build one: node scripts/build-worker.mjs --bare)');
  const sweep = values.viewers.split(',').map(Number);
  const seconds = Number(values.seconds);
  clip();
  const kernel = kernelSendCost();
  log(`kernel: ${kernel.cpuUsPerSend.toFixed(2)} µs of CPU per 1200-byte UDP send on loopback`);
  const sink = await UdpSink.open();
  const results: object[] = [];
  try {
    for (const viewers of sweep) {
      const stagecastRounds: Window[] = [];
      const bareRounds: Window[] = [];
      const unpatchedRounds: Window[] = [];
      try {
        for (let done = 0; done < rounds; done++) {
          stagecastRounds.push(await stagecastWindow(viewers, sink, seconds));
          bareRounds.push(await bareWindow(viewers, sink, seconds));
          if (bareWorker) unpatchedRounds.push(await bareWindowOn(bareWorker, viewers, sink.port, seconds));
        }
      } catch (error) {
        // Saturated workers answer channel requests too late: report where the machine ran out.
        log(`${viewers} viewers: ${String(error)}; stopping the sweep`);
        results.push({ viewers, saturated: true, error: String(error) });
        break;
      }
      const usPerPacket = (w: Window): number => (w.workerCpuS * 1e6) / Math.max(1, w.forwarded);
      const stagecast = medianWindow(stagecastRounds, usPerPacket);
      const bare = medianWindow(bareRounds, usPerPacket);
      const unpatched = unpatchedRounds.length > 0 ? medianWindow(unpatchedRounds, usPerPacket) : undefined;
      const packetsPerViewerPerS = stagecast.forwarded / stagecast.seconds / viewers;
      const row = {
        viewers,
        packetsForwardedPerS: Math.round(stagecast.forwarded / stagecast.seconds),
        sinkReceived: stagecast.received,
        sinkLossPercent: round((100 * Math.max(0, stagecast.forwarded - stagecast.received)) / Math.max(1, stagecast.forwarded)),
        workerCpuUsPerPacket: round(usPerPacket(stagecast)),
        bareWorkerCpuUsPerPacket: round(usPerPacket(bare)),
        stagecastOverBare: round(usPerPacket(stagecast) / usPerPacket(bare)),
        ...(unpatched && {
          unpatchedBareWorkerCpuUsPerPacket: round(usPerPacket(unpatched)),
          stagecastOverUnpatchedBare: round(usPerPacket(stagecast) / usPerPacket(unpatched)),
        }),
        ...(rounds > 1 && {
          rounds,
          workerCpuUsPerPacketByRound: stagecastRounds.map((w) => round(usPerPacket(w))),
          unpatchedBareWorkerCpuUsPerPacketByRound: unpatchedRounds.map((w) => round(usPerPacket(w))),
        }),
        kernelUsPerSend: round(kernel.cpuUsPerSend),
        workerOverKernel: round(usPerPacket(stagecast) / kernel.cpuUsPerSend),
        generatorCpuPercent: round((100 * stagecast.generatorCpuS) / stagecast.seconds, 1),
        nodeCpuPercent: round((100 * stagecast.nodeCpuS) / stagecast.seconds, 1),
        viewersPerCoreWorkers: Math.round(1e6 / (usPerPacket(stagecast) * packetsPerViewerPerS)),
        viewersPerCoreWholeNode: Math.round((viewers * stagecast.seconds) / (stagecast.workerCpuS + stagecast.nodeCpuS)),
      };
      log(JSON.stringify(row));
      results.push(row);
    }
  } finally {
    sink.close();
  }
  return {
    stream: '720p VP8 ~1.5 Mbps + Opus 64 kbps, ffmpeg copy mode',
    transport: 'PlainTransport + SRTP (AES_CM_128_HMAC_SHA1_80)',
    cpuModel: os.cpus()[0]?.model,
    cores: os.cpus().length,
    sweep: results,
  };
}
