// switch: N viewers on one stage with two live hall feeds; the host switches the program M times over
// REST. Reports the command's round trip (every viewer's consumers paused/resumed in the workers), and
// from the command to the first packet of the new source at each viewer: audio (immediate) and video
// (the next key frame: ffmpeg ignores PLI, so its key-frame interval bounds it).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { ChildProcess } from 'node:child_process';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { startStagecast, tokenFor } from '../lib/inProcess';

type SinkRequest = { type: 'firstAfter'; since: number; ssrcs: number[] } | { type: 'count' };
type SinkReply = { type: 'ready'; port: number } | { type: 'firstAfter'; arrivals: (number | null)[] } | { type: 'count'; packets: number };
import { summarize } from './stats';

function log(message: string): void {
  process.stderr.write(`[switch] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class Sink {
  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {}

  static async open(): Promise<Sink> {
    const worker = new Worker(path.join(__dirname, 'rtpSinkThread.mjs'));
    const ready = await new Promise<SinkReply>((resolve) => worker.once('message', resolve));
    if (ready.type !== 'ready') throw new Error('sink did not start');
    return new Sink(worker, ready.port);
  }

  ask(request: SinkRequest): Promise<SinkReply> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

interface ViewerSsrcs {
  [sourceId: string]: { audio: number; video: number };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '500' },
      switches: { type: 'string', default: '20' },
      'keyframe-interval': { type: 'string', default: '15' },
    },
  });
  const viewerCount = Number(values.viewers);
  const switches = Number(values.switches);
  const keyframeInterval = Number(values['keyframe-interval']);
  const node = await startStagecast();
  const sink = await Sink.open();
  const encoders: ChildProcess[] = [];
  const host = { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` };
  const put = (path: string, body: unknown): Promise<Response> =>
    fetch(`${node.url}${path}`, { method: 'PUT', headers: host, body: JSON.stringify(body) });
  try {
    for (const feed of [undefined, 'wide']) {
      const res = await fetch(`${node.url}/api/events/demo/stages/keynote/ingest`, {
        method: 'POST',
        headers: host,
        body: JSON.stringify(feed ? { feed } : {}),
      });
      encoders.push(
        spawnFfmpegIngest((await res.json()) as IngestTargetDto, {
          size: '320x180',
          videoBitrate: '300k',
          keyframeInterval,
          audioFrameMs: 60,
        }),
      );
    }
    // Only the program flows to viewers: set one before they arrive, or every source would.
    await put('/api/events/demo/stages/keynote/program', { sourceId: 'onsite' });
    const stage = node.node.media.existingStage('demo/keynote');
    if (!stage) throw new Error('stage media did not open');
    log(`${viewerCount} viewers, each consuming the audio and video of both feeds`);
    const viewers: ViewerSsrcs[] = [];
    for (let i = 0; i < viewerCount; i++) {
      const peer = await node.node.media.createPeer('demo/keynote', {
        participantId: `v${i}`,
        displayName: `viewer ${i}`,
        followsProgram: true,
      });
      await peer.createEgressTransport({ ip: '127.0.0.1', port: sink.port });
      const ssrcs: ViewerSsrcs = {};
      for (const source of stage.sources) {
        const pair = { audio: 0, video: 0 };
        for (const { producerId, kind } of source.producers) {
          const consumer = await peer.consume(producerId, stage.rtpCapabilities);
          await peer.resumeConsumer(consumer.id);
          pair[kind] = (consumer.rtpParameters.encodings ?? [])[0]?.ssrc ?? 0;
        }
        ssrcs[source.id] = pair;
      }
      viewers.push(ssrcs);
    }
    const routers = stage.describe().distributionRouters.map((r) => r.consumers);
    log(`distribution routers: ${routers.join(', ')} consumers`);

    await sleep(1500);
    const command: number[] = [];
    const audio: number[] = [];
    const video: number[] = [];
    const lastAudio: number[] = [];
    const lastVideo: number[] = [];
    let missing = 0;
    for (let i = 0; i < switches; i++) {
      const target = i % 2 === 0 ? 'onsite-wide' : 'onsite';
      const sentAt = performance.timeOrigin + performance.now();
      const res = await put('/api/events/demo/stages/keynote/program', { sourceId: target });
      if (!res.ok) throw new Error(`switch refused: ${res.status} ${await res.text()}`);
      command.push(performance.timeOrigin + performance.now() - sentAt);
      await sleep(1500);
      const ask = async (kind: 'audio' | 'video'): Promise<number[]> => {
        const reply = await sink.ask({ type: 'firstAfter', since: sentAt, ssrcs: viewers.map((v) => v[target][kind]) });
        if (reply.type !== 'firstAfter') throw new Error('unexpected sink reply');
        missing += reply.arrivals.filter((t) => t === null).length;
        return reply.arrivals.flatMap((t) => (t === null ? [] : [t - sentAt]));
      };
      const a = await ask('audio');
      const v = await ask('video');
      audio.push(...a);
      video.push(...v);
      lastAudio.push(Math.max(...a));
      lastVideo.push(Math.max(...v));
      log(
        `switch ${i + 1}/${switches} → ${target}: command ${command.at(-1)!.toFixed(1)} ms, last viewer audio ${lastAudio.at(-1)!.toFixed(1)} ms, video ${lastVideo.at(-1)!.toFixed(1)} ms`,
      );
    }
    return {
      viewers: viewerCount,
      switches,
      mechanism: 'server-side pause/resume of pre-created consumers (no renegotiation)',
      keyframeIntervalFrames: keyframeInterval,
      consumersPerRouter: routers,
      commandRoundTripMs: summarize(command),
      firstAudioPacketMs: summarize(audio),
      firstVideoPacketMs: summarize(video),
      lastViewerAudioMs: summarize(lastAudio),
      lastViewerVideoMs: summarize(lastVideo),
      missingArrivals: missing,
    };
  } finally {
    for (const encoder of encoders) encoder.kill('SIGKILL');
    await sink.close();
    await node.stop();
  }
}
