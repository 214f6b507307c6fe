// fanout: one stage fed with a pre-encoded 720p VP8 + Opus clip pushed by ffmpeg in copy mode, N viewers
// receiving it over PlainTransports with SRTP (the encryption a WebRTC viewer costs) to a UDP sink in
// another process. For each N: the workers' CPU per forwarded packet with stagecast (its control plane
// running: health sampling, pipes to distribution routers) and with a bare mediasoup router carrying the
// same consumers, their ratio, the kernel's own cost of one UDP send measured in the same run, and
// viewers per core at this stream's packet rate (workers only, and the whole node with Node's CPU).
// Past what two workers can forward (about 500 viewers of this stream here) mediasoup's channel
// requests time out while viewers are set up, and the run stops there.
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from '../../media/codecs';
import { openIngest } from '../../media/ingest';
import { DEFAULT_MEDIA_OPTIONS } from '../../media/types';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { startStagecast, tokenFor } from '../lib/inProcess';
import { MEDIA_PORTS_PER_SERVER, reservePortRange } from '../lib/ports';
import { cpuSeconds } from '../lib/proc';
import { BENCH_DIR, CLIP_720P, encodedClip, srtpKey } from './benchMedia';
import { UdpSink } from './udpSink';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function log(message: string): void {
  process.stderr.write(`[fanout] ${message}\n`);
}

/** The 720p clip, encoded once and kept: the measured window only copies it. */
function clip(): string {
  return encodedClip(CLIP_720P, log);
}

function kernelSendCost(): { cpuUsPerSend: number } {
  const binary = path.join(BENCH_DIR, 'udpSendCost');
  execFileSync('gcc', ['-O2', '-o', binary, path.join(__dirname, 'udpSendCost.c')]);
  const result = spawnSync(binary, ['300000', '1200'], { encoding: 'utf8' });
  return JSON.parse(result.stdout) as { cpuUsPerSend: number };
}

/** Packets the source producers received so far; every consumer forwards each of them once. */
async function sourcePackets(producers: types.Producer[]): Promise<number> {
  let total = 0;
  for (const producer of producers) {
    for (const stat of (await producer.getStats()) as { type: string; packetCount?: number }[])
      if (stat.type === 'inbound-rtp') total += stat.packetCount ?? 0;
  }
  return total;
}

interface Window {
  workerCpuS: number;
  nodeCpuS: number;
  generatorCpuS: number;
  forwarded: number;
  received: number;
  seconds: number;
}

/**
 * Measures a steady window: CPU of the workers, of this process and of ffmpeg; packets forwarded (the
 * source's packets times the viewers: a handful of requests, so both ends of the window line up) and
 * packets the sink received.
 */
async function measure(
  workers: types.Worker[],
  producers: types.Producer[],
  viewers: number,
  generator: ChildProcess,
  sink: UdpSink,
  seconds: number,
): Promise<Window> {
  const workerCpu = async (): Promise<number> =>
    (await Promise.all(workers.map((w) => w.getResourceUsage()))).reduce((s, u) => s + (u.ru_utime + u.ru_stime) / 1000, 0);
  const snapshot = async () => Promise.all([workerCpu(), sourcePackets(producers), sink.count()]);
  const n0 = process.cpuUsage();
  const g0 = cpuSeconds(generator.pid!) ?? 0;
  const t0 = Date.now();
  const [w0, p0, r0] = await snapshot();
  await sleep(seconds * 1000);
  const [w1, p1, r1] = await snapshot();
  const t1 = Date.now();
  const n1 = process.cpuUsage(n0);
  return {
    workerCpuS: w1 - w0,
    nodeCpuS: (n1.user + n1.system) / 1e6,
    generatorCpuS: (cpuSeconds(generator.pid!) ?? g0) - g0,
    forwarded: (p1 - p0) * viewers,
    received: r1 - r0,
    seconds: (t1 - t0) / 1000,
  };
}

function pushClip(target: IngestTargetDto): ChildProcess {
  return spawnFfmpegIngest(target, { file: clip(), copyCodecs: true });
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
      return await measure(node.node.workers.workers, producers, viewers, generator, sink, seconds);
    } finally {
      generator.kill('SIGKILL');
    }
  } finally {
    await node.stop();
  }
}

/** The bare engine: one worker, one router, the same ingest and the same SRTP consumers, nothing else. */
async function bareWindow(viewers: number, sink: UdpSink, seconds: number): Promise<Window> {
  const ports = reservePortRange(MEDIA_PORTS_PER_SERVER);
  const worker = await mediasoup
    .createWorker({ logLevel: 'error', rtcMinPort: ports.min, rtcMaxPort: ports.max })
    .catch((error: unknown) => {
      ports.release();
      throw error;
    });
  try {
    const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
    const ingest = await openIngest(router, DEFAULT_MEDIA_OPTIONS, { videoCodec: 'VP8' });
    const generator = pushClip(ingest.target);
    try {
      for (let i = 0; i < viewers; i++) {
        const srtp = srtpKey();
        const transport = await router.createPlainTransport({
          listenIp: '127.0.0.1',
          rtcpMux: true,
          comedia: false,
          enableSrtp: true,
          srtpCryptoSuite: srtp.cryptoSuite,
        });
        await transport.connect({ ip: '127.0.0.1', port: sink.port, srtpParameters: srtp });
        for (const producer of ingest.producers)
          await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      }
      await sleep(2000);
      return await measure([worker], ingest.producers, viewers, generator, sink, seconds);
    } finally {
      generator.kill('SIGKILL');
    }
  } finally {
    worker.close();
    ports.release();
  }
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { viewers: { type: 'string', default: '100,250,500' }, seconds: { type: 'string', default: '10' } },
  });
  const sweep = values.viewers.split(',').map(Number);
  const seconds = Number(values.seconds);
  clip();
  const kernel = kernelSendCost();
  log(`kernel: ${kernel.cpuUsPerSend.toFixed(2)} µs of CPU per 1200-byte UDP send on loopback`);
  const sink = await UdpSink.open();
  const results: object[] = [];
  try {
    for (const viewers of sweep) {
      let stagecast: Window;
      let bare: Window;
      try {
        stagecast = await stagecastWindow(viewers, sink, seconds);
        bare = await bareWindow(viewers, sink, seconds);
      } catch (error) {
        // Saturated workers answer channel requests too late: report where the machine ran out.
        log(`${viewers} viewers: ${String(error)}; stopping the sweep`);
        results.push({ viewers, saturated: true, error: String(error) });
        break;
      }
      const usPerPacket = (w: Window): number => (w.workerCpuS * 1e6) / Math.max(1, w.forwarded);
      const packetsPerViewerPerS = stagecast.forwarded / stagecast.seconds / viewers;
      const row = {
        viewers,
        packetsForwardedPerS: Math.round(stagecast.forwarded / stagecast.seconds),
        sinkReceived: stagecast.received,
        sinkLossPercent: round((100 * Math.max(0, stagecast.forwarded - stagecast.received)) / Math.max(1, stagecast.forwarded)),
        workerCpuUsPerPacket: round(usPerPacket(stagecast)),
        bareWorkerCpuUsPerPacket: round(usPerPacket(bare)),
        stagecastOverBare: round(usPerPacket(stagecast) / usPerPacket(bare)),
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
