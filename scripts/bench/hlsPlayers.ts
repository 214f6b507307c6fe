// A client process of `npm run bench -- hls`: N simulated HLS players against one variant playlist.
// Each fetches the playlist once a segment and every segment newly listed (whole body), as a live
// player does; the response times (to the last byte) go back to the parent when it asks.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HlsPlayersReport {
  type: 'done';
  playlistMs: number[];
  segmentMs: number[];
  failures: number;
  bytes: number;
}

async function timedFetch(url: string): Promise<{ ms: number; bytes: number } | null> {
  const started = performance.now();
  try {
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    return res.ok ? { ms: performance.now() - started, bytes: body.byteLength } : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const [playlistUrl, countArg, secondsArg, segmentSecondsArg] = process.argv.slice(2);
  if (!playlistUrl) throw new Error('usage: hlsPlayers <variant playlist url> <players> <seconds> <segment seconds>');
  const count = Number(countArg);
  const segmentMs = Number(segmentSecondsArg) * 1000;
  const until = performance.now() + Number(secondsArg) * 1000;
  const report: HlsPlayersReport = { type: 'done', playlistMs: [], segmentMs: [], failures: 0, bytes: 0 };
  const base = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);

  const player = async (): Promise<void> => {
    // Players arrive spread over one segment, as they would over time.
    await sleep(Math.random() * segmentMs);
    let newest = -1;
    while (performance.now() < until) {
      const round = performance.now();
      const started = performance.now();
      try {
        const res = await fetch(playlistUrl);
        const text = await res.text();
        if (!res.ok) throw new Error(String(res.status));
        report.playlistMs.push(performance.now() - started);
        const uris = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
        const fresh = uris.map((uri) => ({ uri, n: Number(/(\d+)\.ts/.exec(uri)?.[1] ?? -1) })).filter((s) => s.n > newest);
        // A player joining live starts at the newest segment; later rounds take every new one.
        for (const segment of newest < 0 ? fresh.slice(-1) : fresh) {
          const got = await timedFetch(base + segment.uri);
          if (got) {
            report.segmentMs.push(got.ms);
            report.bytes += got.bytes;
          } else report.failures++;
          newest = Math.max(newest, segment.n);
        }
      } catch {
        report.failures++;
      }
      await sleep(Math.max(0, segmentMs - (performance.now() - round)));
    }
  };
  await Promise.all(Array.from({ length: count }, player));
  process.send?.(report, undefined, {}, () => process.disconnect());
}

main().catch((error: unknown) => {
  process.stderr.write(`hlsPlayers: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
