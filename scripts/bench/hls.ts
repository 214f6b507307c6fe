// hls: what the HLS egress costs and how late it is, and what serving it to many players costs a node.
//  1. For the default ladder and for each of its renditions alone: a 720p30 hall feed with the wall
//     clock burnt into the picture; each segment's listed latency (when it appeared in the playlist
//     minus when its first frame was made), the time from the feed's start to the first segment, and
//     the egress process's CPU.
//  2. N simulated players (client processes) fetching the playlist every segment and each new segment
//     from one node: requests/s, response times, the node process's CPU.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import type { IngestTargetDto } from '../ffmpegIngest';
import { spawnGroup } from '../lib/processGroup';
import { type ServerProcess, startServer } from '../lib/serverProcess';
import { waitFor } from '../lib/wait';
import { accountCpu } from './cpuTime';
import { readStamp, stampedFeedArgs } from './hlsClock';
import type { HlsPlayersReport } from './hlsPlayers';
import { summarize } from './stats';

const DEFAULT_LADDER = '720p:1280x720:2500,360p:640x360:700';
const STAGE = '/api/events/demo/stages/keynote';

function log(message: string): void {
  process.stderr.write(`[hls] ${message}\n`);
}

/** The pid of the stage's egress ffmpeg: the one writing under the node's HLS directory. */
function egressPid(server: ServerProcess): number | undefined {
  const marker = path.join(server.dataDir, 'hls');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('ffmpeg\0') && cmdline.includes(marker)) return Number(entry);
    } catch {
      // Gone, or not ours.
    }
  }
  return undefined;
}

interface Stream {
  server: ServerProcess;
  stop(): Promise<void>;
}

/** A node with HLS on and the stamped hall feed entering its keynote stage; `feedStartedAt` in epoch ms. */
async function streamingNode(ladder: string, segmentSeconds: number): Promise<Stream & { feedStartedAt: number }> {
  const server = await startServer({
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MEDIASOUP_NUM_WORKERS: '1',
    HLS_AUTOSTART: 'true',
    HLS_SEGMENT_SECONDS: String(segmentSeconds),
    HLS_LADDER: ladder,
  });
  const host = createTokenSigner(DEV_JWT_SECRET, 3600).sign({ role: 'host', eventId: 'demo', name: 'bench' });
  try {
    const res = await fetch(`${server.url}${STAGE}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host}`, 'content-type': 'application/json' },
      body: JSON.stringify({ videoCodec: 'H264' }),
    });
    if (res.status !== 201) throw new Error(`ingest: HTTP ${res.status} ${await res.text()}`);
    const feedStartedAt = Date.now();
    const feed = spawnGroup('ffmpeg', stampedFeedArgs((await res.json()) as IngestTargetDto));
    return {
      server,
      feedStartedAt,
      stop: async () => {
        await feed.stop();
        await server.dispose();
      },
    };
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

interface Listing {
  uri: string;
  listedAt: number;
}

/** Polls a variant playlist every 50 ms and reports each segment the moment it is first listed. */
function watchPlaylist(url: string, onListed: (listing: Listing) => void): { stop(): void } {
  const seen = new Set<string>();
  let running = true;
  void (async () => {
    while (running) {
      try {
        const res = await fetch(url);
        const listedAt = Date.now();
        if (res.ok)
          for (const uri of (await res.text()).split('\n').filter((l) => l !== '' && !l.startsWith('#')))
            if (!seen.has(uri)) {
              seen.add(uri);
              onListed({ uri, listedAt });
            }
      } catch {
        // Not up yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: () => {
      running = false;
    },
  };
}

async function measureLadder(ladder: string, segmentSeconds: number, seconds: number): Promise<object> {
  const top = ladder.split(',')[0].split(':')[0];
  log(`ladder ${ladder}: ${seconds} s`);
  const stream = await streamingNode(ladder, segmentSeconds);
  const variant = `${stream.server.url}/hls/demo/keynote/${top}/index.m3u8`;
  const listings: Listing[] = [];
  // Read as soon as listed: the sliding window deletes a segment a few seconds later. One ffmpeg
  // decoding one frame per segment runs beside the encoder (a few ms of CPU each).
  const stamps: Promise<number | null>[] = [];
  const watcher = watchPlaylist(variant, (listing) => {
    listings.push(listing);
    stamps.push(readStamp(new URL(listing.uri, variant).toString(), listing.listedAt).catch(() => null));
  });
  try {
    await waitFor(async () => listings.length > 0, { what: 'the first segment listed', timeoutMs: 30_000 });
    const firstSegmentMs = listings[0].listedAt - stream.feedStartedAt;
    const egress = egressPid(stream.server);
    const cpu = accountCpu({ egress, node: stream.server.child.pid });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cost = cpu.stop();
    watcher.stop();
    // The first segment holds what the encoder waited for; the steady state is what follows.
    const latencies: number[] = [];
    let unread = 0;
    const read = await Promise.all(stamps);
    for (const [i, listing] of listings.entries()) {
      if (i === 0) continue;
      const stamp = read[i] ?? null;
      if (stamp === null) unread++;
      else latencies.push(listing.listedAt - stamp);
    }
    return {
      ladder,
      firstSegmentAfterFeedMs: firstSegmentMs,
      listedLatencyMs: summarize(latencies),
      unreadableStamps: unread,
      egressCores: Math.round(((cost.processes.egress?.cpuMs ?? NaN) / cost.wallMs) * 100) / 100,
      cpu: cost,
    };
  } finally {
    watcher.stop();
    await stream.stop();
  }
}

async function measureServing(players: number, processes: number, seconds: number, segmentSeconds: number): Promise<object> {
  // The smallest rung alone, so the encoder leaves the cores to the node and the players.
  const stream = await streamingNode('360p:640x360:700', segmentSeconds);
  const variant = `${stream.server.url}/hls/demo/keynote/360p/index.m3u8`;
  const children: ReturnType<typeof fork>[] = [];
  try {
    await waitFor(async () => (await fetch(variant)).ok, { what: 'the 360p playlist', timeoutMs: 30_000 });
    log(`${players} players in ${processes} processes for ${seconds} s`);
    const idle = accountCpu({ node: stream.server.child.pid });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const baseline = idle.stop();
    const cpu = accountCpu({ node: stream.server.child.pid });
    const reports = await Promise.all(
      Array.from({ length: processes }, (_, i) => {
        const share = Math.floor(players / processes) + (i < players % processes ? 1 : 0);
        const child = fork(path.join(__dirname, 'hlsPlayers.ts'), [variant, String(share), String(seconds), String(segmentSeconds)], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<HlsPlayersReport>((resolve, reject) => {
          child.once('message', (m) => resolve(m as HlsPlayersReport));
          child.once('exit', (code) => reject(new Error(`a player process exited (${code}) without a report`)));
        });
      }),
    );
    const cost = cpu.stop();
    const all = (key: 'playlistMs' | 'segmentMs'): number[] => reports.flatMap((r) => r[key]);
    const requests = all('playlistMs').length + all('segmentMs').length;
    const nodeCores = (cost.processes.node?.cpuMs ?? NaN) / cost.wallMs;
    const idleCores = (baseline.processes.node?.cpuMs ?? NaN) / baseline.wallMs;
    return {
      players,
      processes,
      requestsPerSecond: Math.round(requests / (cost.wallMs / 1000)),
      failures: reports.reduce((sum, r) => sum + r.failures, 0),
      megabitsPerSecond: Math.round((reports.reduce((sum, r) => sum + r.bytes, 0) * 8) / 1e6 / (cost.wallMs / 1000)),
      playlistMs: summarize(all('playlistMs')),
      segmentMs: summarize(all('segmentMs')),
      nodeCores: Math.round(nodeCores * 100) / 100,
      nodeCoresWithoutPlayers: Math.round(idleCores * 100) / 100,
      cpu: cost,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await stream.stop();
  }
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      ladder: { type: 'string', default: DEFAULT_LADDER },
      'segment-seconds': { type: 'string', default: '1' },
      seconds: { type: 'string', default: '30' },
      players: { type: 'string', default: '2000' },
      processes: { type: 'string', default: '4' },
      'serving-seconds': { type: 'string', default: '30' },
      // Serving at the product's default segment length (HLS_SEGMENT_SECONDS): players ask once a segment.
      'serving-segment-seconds': { type: 'string', default: '2' },
    },
  });
  const segmentSeconds = Number(values['segment-seconds']);
  const seconds = Number(values.seconds);
  const rungs = values.ladder.split(',');
  const ladders = rungs.length > 1 ? [values.ladder, ...rungs] : rungs;
  const egress = [];
  // `--seconds 0`: serving only.
  if (seconds > 0) for (const ladder of ladders) egress.push(await measureLadder(ladder, segmentSeconds, seconds));
  const players = Number(values.players);
  const servingSegmentSeconds = Number(values['serving-segment-seconds']);
  const serving =
    players > 0 ? await measureServing(players, Number(values.processes), Number(values['serving-seconds']), servingSegmentSeconds) : null;
  return { segmentSeconds, servingSegmentSeconds, egress, serving };
}
