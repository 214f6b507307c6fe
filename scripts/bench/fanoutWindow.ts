// The measured window of the fanout benchmark, shared by its two sides: the stagecast node (fanout.ts)
// and the bare engine, which runs in this process or, to measure another worker binary in the same run
// (mediasoup reads MEDIASOUP_WORKER_BIN once, when it loads), in a child process started from here.
import { type ChildProcess, fork } from 'node:child_process';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from '../../media/codecs';
import { openIngest } from '../../media/ingest';
import { DEFAULT_MEDIA_OPTIONS } from '../../media/types';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { MEDIA_PORTS_PER_SERVER, reservePortRange } from '../lib/ports';
import { cpuSeconds } from '../lib/proc';
import { CLIP_720P, encodedClip, srtpKey } from './benchMedia';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The 720p clip, encoded once and kept: the measured window only copies it. */
export function clip(): string {
  return encodedClip(CLIP_720P, (message) => process.stderr.write(`[fanout] ${message}\n`));
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

export interface Window {
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
export async function measure(
  workers: types.Worker[],
  producers: types.Producer[],
  viewers: number,
  generator: ChildProcess,
  received: () => Promise<number>,
  seconds: number,
): Promise<Window> {
  const workerCpu = async (): Promise<number> =>
    (await Promise.all(workers.map((w) => w.getResourceUsage()))).reduce((s, u) => s + (u.ru_utime + u.ru_stime) / 1000, 0);
  const snapshot = async () => Promise.all([workerCpu(), sourcePackets(producers), received()]);
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

export function pushClip(target: IngestTargetDto): ChildProcess {
  return spawnFfmpegIngest(target, { file: clip(), copyCodecs: true });
}

/** The bare engine: one worker, one router, the same ingest and the same SRTP consumers, nothing else. */
export async function bareWindow(viewers: number, sink: { port: number; count(): Promise<number> }, seconds: number): Promise<Window> {
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
      return await measure([worker], ingest.producers, viewers, generator, () => sink.count(), seconds);
    } finally {
      generator.kill('SIGKILL');
    }
  } finally {
    worker.close();
    ports.release();
  }
}

/** The bare engine's window on another worker binary, in a child process (its sink count is not read there). */
export function bareWindowOn(workerBinary: string, viewers: number, sinkPort: number, seconds: number): Promise<Window> {
  const child = fork(__filename, ['--bare-child', String(viewers), String(sinkPort), String(seconds)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBinary },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<Window>((resolve, reject) => {
    child.once('message', (window) => resolve(window as Window));
    child.once('exit', (code) => reject(new Error(`the bare engine's process exited (${code}) without a window`)));
  }).finally(() => child.kill('SIGKILL'));
}

if (process.argv[2] === '--bare-child') {
  const [viewers, sinkPort, seconds] = process.argv.slice(3).map(Number);
  bareWindow(viewers, { port: sinkPort, count: async () => 0 }, seconds).then(
    (window) => process.send?.(window),
    (error: unknown) => {
      process.stderr.write(`[fanout] bare engine: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
