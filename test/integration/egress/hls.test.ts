import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../../scripts/ffmpegIngest';
import { type HlsPlayer, meanColour, parseMediaPlaylist, playHls, probeSegment } from '../../helpers/hls';
import { waitFor } from '../../helpers/net';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

const STAGE = '/api/events/demo/stages/keynote';
const SEGMENT_S = 1;

/**
 * The stage's program as HLS, with real ffmpeg on both sides: hall feeds pushed as RTP, the egress
 * transcoding, and ffmpeg reading the playlists as a player does.
 */
describe('HLS egress: every stage as a ladder of HLS renditions that follows the program', function () {
  this.timeout(90_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  const encoders: ChildProcess[] = [];
  const players: HlsPlayer[] = [];

  const api = (method: string, route: string, body?: object) =>
    fetch(`${node.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${tokenFor('host')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function feed(name: string | undefined, pattern: string): Promise<void> {
    const res = await api('POST', `${STAGE}/ingest`, { videoCodec: 'H264', ...(name ? { feed: name } : {}) });
    assert.equal(res.status, 201);
    encoders.push(spawnFfmpegIngest((await res.json()) as IngestTargetDto, { pattern, size: '640x360' }));
  }

  async function playlist(rendition = '360p') {
    const res = await fetch(`${node.url}/hls/demo/keynote/${rendition}/index.m3u8`);
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : undefined;
  }

  const segmentFile = (rendition: string, uri: string): string =>
    path.join(node.node.hls.options.rootDir, 'demo', 'keynote', rendition, uri);

  before(async () => {
    node = await startStagecast({
      HLS_AUTOSTART: 'true',
      HLS_SEGMENT_SECONDS: String(SEGMENT_S),
      HLS_WINDOW_SEGMENTS: '20',
      // Two small renditions: the ladder's shape without a core of x264 per test run.
      HLS_LADDER: '360p:640x360:600,180p:320x180:200',
    });
  });
  after(async () => {
    for (const player of players) await player.stop();
    for (const encoder of encoders) encoder.kill('SIGKILL');
    await node?.stop();
  });

  it('starts with the first hall feed: a master playlist, renditions whose segments each begin with a key frame and carry sound and picture', async () => {
    await feed(undefined, 'color=c=red');
    const listed = await waitFor(
      async () => {
        const current = await playlist();
        return current && current.segments.length >= 4 ? current : undefined;
      },
      30_000,
      'four segments listed in the 360p playlist',
    );

    const master = await (await fetch(`${node.url}/hls/demo/keynote/master.m3u8`)).text();
    assert.match(master, /RESOLUTION=640x360[^\n]*\n360p\/index\.m3u8/);
    assert.match(master, /RESOLUTION=320x180[^\n]*\n180p\/index\.m3u8/);
    assert.equal(listed.targetDuration, SEGMENT_S);
    // The first segment of an encoder may run a frame or two long; the others are within ±20 %.
    for (const segment of listed.segments.slice(1))
      assert.ok(Math.abs(segment.durationS - SEGMENT_S) <= 0.2 * SEGMENT_S, `duration ${segment.durationS}`);
    for (const [i, segment] of listed.segments.entries()) {
      assert.equal(segment.uri, `${listed.mediaSequence + i}.ts`, 'sequence numbers rise by one per segment');
      const probe = probeSegment(segmentFile('360p', segment.uri));
      assert.deepEqual(probe.streams, ['audio', 'video'], segment.uri);
      assert.ok(probe.firstVideoFrameIsKey, `${segment.uri} begins with a key frame`);
      if (i > 0) {
        const gap = segment.programDateTime - listed.segments[i - 1].programDateTime;
        assert.ok(Math.abs(gap - listed.segments[i - 1].durationS * 1000) < 50, 'program date-times follow the durations');
      }
    }
    const [r, g, b] = meanColour(segmentFile('360p', listed.segments.at(-1)!.uri));
    assert.ok(r > 150 && g < 80 && b < 80, `the red hall feed is what plays (mean ${r},${g},${b})`);
    const headers = await fetch(`${node.url}/hls/demo/keynote/360p/${listed.segments[0].uri}`, { headers: { range: 'bytes=0-187' } });
    assert.equal(headers.status, 206, 'segments answer range requests');
    assert.equal((await headers.arrayBuffer()).byteLength, 188);
    assert.equal(headers.headers.get('content-type'), 'video/mp2t');
    assert.match(headers.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(headers.headers.get('access-control-allow-origin'), '*');
  });

  it('a player of the master playlist decodes 250 frames in 10 s of stream', async () => {
    const player = playHls(`${node.url}/hls/demo/keynote/master.m3u8`, 10);
    players.push(player);
    assert.equal(await player.exited, 0, player.errors());
    assert.ok(player.frames() >= 250, `decoded ${player.frames()} frames`);
  });

  it('follows five program switches between two feeds without a seam: one timeline, no discontinuity, each switch visible', async () => {
    await feed('cam2', 'color=c=blue');
    await waitFor(
      async () => (node.node.media.existingStage('demo/keynote')?.sources.length === 2 ? true : undefined),
      10_000,
      'the second feed',
    );
    const player = playHls(`${node.url}/hls/demo/keynote/360p/index.m3u8`, 14);
    players.push(player);
    const first = (await playlist())!;
    const colours: string[] = [];
    for (const source of ['onsite-cam2', 'onsite', 'onsite-cam2', 'onsite', 'onsite-cam2']) {
      assert.equal((await api('PUT', `${STAGE}/program`, { sourceId: source })).status, 200);
      const wanted = source === 'onsite' ? 'red' : 'blue';
      // The newest segment shows the source put on air.
      await waitFor(
        async () => {
          const newest = (await playlist())?.segments.at(-1);
          if (!newest) return undefined;
          const [r, , b] = meanColour(segmentFile('360p', newest.uri));
          const seen = r > 150 && b < 80 ? 'red' : b > 150 && r < 80 ? 'blue' : 'mixed';
          return seen === wanted ? seen : undefined;
        },
        15_000,
        `${wanted} on the HLS stream after putting ${source} on air`,
      );
      colours.push(wanted);
    }
    assert.deepEqual(colours, ['blue', 'red', 'blue', 'red', 'blue']);
    const last = (await playlist())!;
    assert.ok(last.mediaSequence > first.mediaSequence, 'the window slid on');
    assert.equal(last.discontinuitySequence, 0);
    assert.ok(
      last.segments.every((s) => !s.discontinuity),
      'same codec: the switches left no discontinuity',
    );
    for (let i = 1; i < last.segments.length; i++) {
      const gap = last.segments[i].programDateTime - last.segments[i - 1].programDateTime;
      assert.ok(Math.abs(gap - last.segments[i - 1].durationS * 1000) < 50, `no hole in the timeline before ${last.segments[i].uri}`);
    }
    assert.equal(await player.exited, 0, player.errors());
    assert.equal(player.errors(), '', 'the player reported no decoding error');
    assert.ok(player.frames() >= 14 * 30 * 0.9, `the player decoded ${player.frames()} frames of 14 s`);
  });
});
