// language: N viewers on one stage with two language channels (en, fr), each fed with Opus-sized RTP
// at 50 packets/s. Reports (1) the language switch time: from a viewer's switch (pause the old
// channel's consumer, resume the new one: what the watch page asks) to the first packet of the new
// channel at that viewer, p50/p95 over `--switches` viewers switching one after another while all N hold
// their channel; (2) the extra worker CPU per language channel per viewer: the workers' CPU with every
// viewer receiving one channel minus with every channel paused, per viewer. Viewers are in-process peers
// with plain RTP egress to a sink thread (no browser, no Socket.IO hop: that adds one loopback round trip).
import dgram from 'node:dgram';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { MediaPeer } from '../../media/MediaPeer';
import { startStagecast } from '../lib/inProcess';
import { accountCpu } from './cpuTime';
import { summarize } from './stats';

type SinkReply = { type: 'ready'; port: number } | { type: 'firstAfter'; arrivals: (number | null)[] } | { type: 'count'; packets: number };

function log(message: string): void {
  process.stderr.write(`[language] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): number => performance.timeOrigin + performance.now();

/** An interpreter's microphone as the worker sees it: 20 ms Opus-sized RTP packets (the payload is not decoded). */
function sendOpusLike(port: number, ssrc: number): { stop(): void } {
  const socket = dgram.createSocket('udp4');
  let seq = 0;
  let timestamp = 0;
  const payload = Buffer.alloc(80, 0xfc);
  const timer = setInterval(() => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 100;
    header.writeUInt16BE(seq & 0xffff, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    seq += 1;
    timestamp += 960;
    socket.send(Buffer.concat([header, payload]), port, '127.0.0.1');
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      socket.close();
    },
  };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '500' },
      switches: { type: 'string', default: '40' },
      'cpu-seconds': { type: 'string', default: '5' },
    },
  });
  const viewerCount = Number(values.viewers);
  const switches = Number(values.switches);
  const cpuMs = Number(values['cpu-seconds']) * 1000;
  if (![viewerCount, switches, cpuMs].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('--viewers, --switches, --cpu-seconds: positive integers');
  const node = await startStagecast();
  const sink = new Worker(path.join(__dirname, 'rtpSinkThread.mjs'));
  const senders: { stop(): void }[] = [];
  try {
    const ready = await new Promise<SinkReply>((resolve) => sink.once('message', resolve));
    if (ready.type !== 'ready') throw new Error('sink did not start');
    const ask = (since: number, ssrcs: number[]): Promise<(number | null)[]> =>
      new Promise((resolve) => {
        sink.once('message', (reply: SinkReply) => resolve(reply.type === 'firstAfter' ? reply.arrivals : []));
        sink.postMessage({ type: 'firstAfter', since, ssrcs });
      });
    await node.node.conference.agenda.updateStage('demo', 'keynote', { interpretationLanguages: ['en', 'fr'] });
    const stage = await node.node.media.stage('demo/keynote');
    // Each channel: a plain RTP producer on the origin, added to the stage as an interpreter's source.
    const producers: Record<'en' | 'fr', string> = { en: '', fr: '' };
    for (const [index, language] of (['en', 'fr'] as const).entries()) {
      const transport = await stage.origin.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
      const ssrc = 4_100_000 + index;
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] },
      });
      stage.addProducer(producer, {
        id: `interpretation:${language}:bench`,
        kind: 'interpretation',
        label: language,
        ownerId: `bench-${language}`,
        language,
      });
      producers[language] = producer.id;
      senders.push(sendOpusLike(transport.tuple.localPort, ssrc));
    }
    log(`${viewerCount} viewers, each holding a paused consumer of both channels`);
    const viewers: { peer: MediaPeer; en: { id: string; ssrc: number }; fr: { id: string; ssrc: number } }[] = [];
    for (let i = 0; i < viewerCount; i++) {
      const peer = await node.node.media.createPeer('demo/keynote', {
        participantId: `v${i}`,
        displayName: `viewer ${i}`,
        followsProgram: true,
      });
      await peer.createEgressTransport({ ip: '127.0.0.1', port: ready.port });
      const held = async (language: 'en' | 'fr') => {
        const consumer = await peer.consume(producers[language], stage.rtpCapabilities);
        return { id: consumer.id, ssrc: (consumer.rtpParameters.encodings ?? [])[0]?.ssrc ?? 0 };
      };
      viewers.push({ peer, en: await held('en'), fr: await held('fr') });
    }
    const workerPids = Object.fromEntries(
      [stage.describe().origin.workerPid, ...stage.describe().distributionRouters.map((r) => r.workerPid)].map((pid) => [
        `worker ${pid}`,
        pid,
      ]),
    );
    const workersCpu = (report: ReturnType<ReturnType<typeof accountCpu>['stop']>): number =>
      Object.values(report.processes).reduce((sum, p) => sum + p.cpuMs, 0);

    log(`CPU with every channel paused (${cpuMs} ms)`);
    let meter = accountCpu(workerPids);
    await sleep(cpuMs);
    const paused = meter.stop();
    for (const viewer of viewers) await viewer.peer.resumeConsumer(viewer.en.id);
    log(`CPU with every viewer receiving en (${cpuMs} ms)`);
    await sleep(500);
    meter = accountCpu(workerPids);
    await sleep(cpuMs);
    const receiving = meter.stop();
    const extraCpuMsPerSecond = ((workersCpu(receiving) - workersCpu(paused)) / cpuMs) * 1000;

    log(`${switches} viewers switch en → fr, one after another`);
    const switchMs: number[] = [];
    let missing = 0;
    for (let i = 0; i < switches; i++) {
      const viewer = viewers[i % viewers.length];
      if (!viewer) break;
      const [from, to] = i < viewers.length ? [viewer.en, viewer.fr] : [viewer.fr, viewer.en];
      const started = now();
      // What the watch page asks: the new channel first, then the old one off.
      await viewer.peer.resumeConsumer(to.id);
      await viewer.peer.pauseConsumer(from.id);
      await sleep(120);
      const [arrival] = await ask(started, [to.ssrc]);
      if (arrival === null || arrival === undefined) missing += 1;
      else switchMs.push(arrival - started);
    }
    return {
      viewers: viewerCount,
      switches,
      mechanism:
        'pause the old channel consumer, resume the new one (no renegotiation); channels are audio producers on the origin, piped to distribution routers',
      note: 'in-process peers with plain RTP egress; excludes the signaling hop; packets every 20 ms bound the first-packet time; on a shared machine the figures are indicative only',
      consumersPerRouter: stage.describe().distributionRouters.map((r) => r.consumers),
      switchToFirstPacketMs: summarize(switchMs),
      missingArrivals: missing,
      workerCpuMsPerSecond: { channelsPaused: (workersCpu(paused) / cpuMs) * 1000, oneChannelEach: (workersCpu(receiving) / cpuMs) * 1000 },
      extraWorkerCpuPerChannelPerViewerMicrosPerSecond: (extraCpuMsPerSecond * 1000) / viewerCount,
      cpu: { paused, receiving },
    };
  } finally {
    for (const sender of senders) sender.stop();
    await sink.terminate();
    await node.stop();
  }
}
