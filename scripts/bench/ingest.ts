// ingest: hall encoders over RTMP and SRT, as the node takes them. For each way in (RTMP remuxed: H264
// without B-frames; RTMP transcoded: H264 High with B-frames; SRT remuxed), an ffmpeg encoder pushes a
// test pattern with a 1 kHz tone burst every few seconds of stream time, silence between. A viewer on a
// PlainTransport (the media layer's own calls, in the node's process: hostedNode.ts) consumes the audio;
// a UDP socket here notes when each burst begins to arrive (Opus packets of a tone are far larger than
// of silence: no decoding needed). The encoder's own progress reports map its stream time to this
// host's clock, so the added latency is: burst onset at the viewer − when the encoder put that burst
// out (the encoder's own buffering is not counted). Also the CPU of the node's ingest ffmpeg per mode,
// and WHIP: a browser encoder's publish → the first decoded frame at a watch page (whipFirstFrame.ts).
// The SRT encoder is set up for low latency (MPEG-TS mux delay 0): ffmpeg's default holds 0.7 s before
// sending, which this method would count (~300 ms more here).
import dgram from 'node:dgram';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { childPids, commandName } from '../lib/proc';
import { tokenFor } from '../lib/inProcess';
import { type GroupProcess, spawnGroup } from '../lib/processGroup';
import { waitFor } from '../lib/wait';
import { accountCpu } from './cpuTime';
import { startHostedNode, type HostedNode } from './hostedNodeProcess';
import { summarize } from './stats';
import { whipPublishToFirstFrame } from './whipFirstFrame';

const STAGE = { eventId: 'demo', stageId: 'keynote' };
const STAGE_KEY = `${STAGE.eventId}/${STAGE.stageId}`;
const STAGE_URL = '/api/events/demo/stages/keynote';
/** A tone burst starts every PERIOD_S seconds of stream time and lasts BURST_S. */
const PERIOD_S = 3;
const BURST_S = 0.25;

type Mode = 'rtmp-remux' | 'rtmp-transcode' | 'srt-remux';

function log(message: string): void {
  process.stderr.write(`[ingest] ${message}\n`);
}

async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'udp') {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The encoder: stream time ↔ this host's clock from its progress lines (the smallest offset seen is the truest). */
function startEncoder(url: string, mode: Mode): { group: GroupProcess; offsetMs: () => number } {
  const video =
    mode === 'rtmp-transcode' ? ['-profile:v', 'high', '-bf', '2'] : ['-profile:v', 'baseline', '-bf', '0', '-tune', 'zerolatency'];
  const tone = `aevalsrc=if(lt(mod(t\\,${PERIOD_S})\\,${BURST_S})\\,0.8*sin(2*PI*1000*t)\\,0):s=48000:c=mono`;
  const group = spawnGroup('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-stats_period', '0.05', '-progress', 'pipe:1'],
    ...['-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-re', '-f', 'lavfi', '-i', tone],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', ...video, '-g', '30', '-pix_fmt', 'yuv420p', '-b:v', '800k'],
    ...[
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      ...(url.startsWith('srt:') ? ['-muxdelay', '0', '-muxpreload', '0', '-f', 'mpegts'] : ['-f', 'flv']),
      url,
    ],
  ]);
  let offset = Number.POSITIVE_INFINITY;
  let pending = '';
  group.child.stdout?.on('data', (chunk: Buffer) => {
    const now = Date.now();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^out_time_us=(\d+)/.exec(line);
      if (match) offset = Math.min(offset, now - Number(match[1]) / 1000);
    }
  });
  return { group, offsetMs: () => offset };
}

/** Arrival times of tone-burst onsets in the RTP the viewer is sent (RTCP ignored). */
class BurstListener {
  readonly onsets: number[] = [];
  readonly #socket = dgram.createSocket('udp4');
  #smallest = Number.POSITIVE_INFINITY;
  #quietRun = 0;

  async open(): Promise<number> {
    this.#socket.on('message', (packet) => this.#packet(packet, Date.now()));
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    return this.#socket.address().port;
  }

  #packet(packet: Buffer, at: number): void {
    const type = packet[1] ?? 0;
    if (type >= 200 && type <= 206) return;
    this.#smallest = Math.min(this.#smallest, packet.length);
    // Opus of silence is a few bytes; of a loud tone, a hundred and more.
    const loud = packet.length > this.#smallest + 40;
    if (loud && this.#quietRun >= 10) this.onsets.push(at);
    this.#quietRun = loud ? 0 : this.#quietRun + 1;
  }

  close(): void {
    this.#socket.close();
  }
}

/** Producers of the stage's main feed (none: no such source). */
async function onsiteProducers(url: string, host: string): Promise<number> {
  const res = await fetch(`${url}${STAGE_URL}/media`, { headers: { authorization: `Bearer ${host}` } });
  if (res.status === 404) return 0;
  const view = (await res.json()) as { sources?: { id: string; producers?: unknown[] }[] };
  return view.sources?.find((s) => s.id === 'onsite')?.producers?.length ?? 0;
}

async function feedLive(url: string, host: string): Promise<void> {
  await waitFor(async () => (await onsiteProducers(url, host)) >= 2, {
    what: 'the encoder live as the main feed (audio and video)',
    timeoutMs: 30_000,
  });
}

function ingestFfmpegPids(nodePid: number): number[] {
  return childPids(nodePid).filter((pid) => commandName(pid) === 'ffmpeg');
}

async function measure(
  node: HostedNode,
  mode: Mode,
  url: string,
  seconds: number,
): Promise<{ mode: Mode; latencyMs: ReturnType<typeof summarize>; ingestCores: number; ingestProcesses: number }> {
  const host = tokenFor('host');
  const encoder = startEncoder(url, mode);
  const listener = new BurstListener();
  try {
    await feedLive(node.url, host);
    const port = await listener.open();
    const opened = await node.rpc.call('plainOpen', { stageKey: STAGE_KEY, count: 1, sinkPort: port, consume: ['audio'] });
    if (opened.opened !== 1) throw new Error(`no plain viewer: ${opened.errors.join('; ')}`);
    // Past the encoder's start-up: the ingest ffmpeg's CPU at its steady pace.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pids = ingestFfmpegPids(node.pid);
    const cpu = accountCpu(Object.fromEntries(pids.map((pid) => [`ffmpeg ${pid}`, pid])));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const report = cpu.stop();
    const offset = encoder.offsetMs();
    // Each onset belongs to the last burst put out before it (the latency is below one period).
    const latencies = listener.onsets
      .map((at) => {
        const sent = offset + Math.floor((at - offset) / (PERIOD_S * 1000)) * PERIOD_S * 1000;
        return at - sent;
      })
      .filter((ms) => ms > 0);
    log(
      `${mode}: ${latencies.length} bursts, latency ${latencies.map((ms) => Math.round(ms)).join(', ')} ms; ${report.thisRunCores} cores`,
    );
    await node.rpc.call('plainClose', { count: 1 });
    return { mode, latencyMs: summarize(latencies), ingestCores: report.thisRunCores, ingestProcesses: pids.length };
  } finally {
    listener.close();
    await encoder.group.stop();
    // The next encoder uses the same key: it is refused while this one's feed is still live.
    await waitFor(async () => (await onsiteProducers(node.url, host)) === 0, { what: `the ${mode} feed gone`, timeoutMs: 30_000 });
  }
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '30' }, 'whip-rounds': { type: 'string', default: '5' } },
  });
  const seconds = Number(values.seconds);
  const rtmpPort = await freePort('tcp');
  const srtPort = await freePort('udp');
  const node = await startHostedNode({
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    MEDIASOUP_NUM_WORKERS: '1',
    RTMP_PORT: String(rtmpPort),
    SRT_PORT: String(srtPort),
  });
  try {
    const res = await fetch(`${node.url}${STAGE_URL}/stream-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: JSON.stringify({ label: 'bench encoder' }),
    });
    if (res.status !== 201) throw new Error(`stream key: ${res.status} ${await res.text()}`);
    const { key } = (await res.json()) as { key: string };
    const rtmp = `rtmp://127.0.0.1:${rtmpPort}/live/${key}`;
    const results = [];
    results.push(await measure(node, 'rtmp-remux', rtmp, seconds));
    results.push(await measure(node, 'rtmp-transcode', rtmp, seconds));
    results.push(await measure(node, 'srt-remux', `srt://127.0.0.1:${srtPort}?streamid=${key}`, seconds));
    const host = tokenFor('host');
    const whip = await whipPublishToFirstFrame(
      node.url,
      STAGE,
      key,
      Number(values['whip-rounds']),
      async () => (await onsiteProducers(node.url, host)) > 0,
    );
    log(`whip: publish → first decoded frame ${whip.map((ms) => Math.round(ms)).join(', ')} ms`);
    return {
      method: `tone bursts every ${PERIOD_S} s of stream time; onset at a plain-RTP viewer minus the encoder's output time`,
      results,
      whipPublishToFirstFrameMs: summarize(whip),
      nodeLogs: node.logs,
    };
  } finally {
    await node.stop();
  }
}
