import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../../scripts/ffmpegIngest';
import { type HlsPlayer, type MediaPlaylist, meanColour, parseMediaPlaylist, playHls, probeSegment } from '../../helpers/hls';
import { waitFor } from '../../helpers/net';
import type { HlsHealth } from '../../../media/health/types';
import { createPlaybackTokens } from '../../../server/auth/playbackTokens';
import { DEV_JWT_SECRET } from '../../../server/config';
import { ApiClient, ok } from '../../helpers/api';
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
  /** The hall encoder of each feed, by feed name. */
  const encoders = new Map<string, ChildProcess>();
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
    encoders.set(name ?? 'onsite', spawnFfmpegIngest((await res.json()) as IngestTargetDto, { pattern, size: '640x360' }));
  }

  async function playlist(rendition = '360p') {
    const res = await fetch(`${node.url}/hls/demo/keynote/${rendition}/index.m3u8`);
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : undefined;
  }

  /** Index of the newest segment after a discontinuity (-1: none). */
  const lastSeam = (listed: MediaPlaylist): number => listed.segments.map((s) => s.discontinuity).lastIndexOf(true);

  const segmentFile = (rendition: string, uri: string): string =>
    path.join(node.node.hls.options.rootDir, 'demo', 'keynote', rendition, uri);

  before(async () => {
    node = await startStagecast({
      HLS_AUTOSTART: 'true',
      HLS_SEGMENT_SECONDS: String(SEGMENT_S),
      HLS_WINDOW_SEGMENTS: '20',
      // Two small renditions: the ladder's shape without a core of x264 per test run.
      HLS_LADDER: '360p:640x360:600,180p:320x180:200',
      HEALTH_SAMPLE_INTERVAL_MS: '500',
      ALERT_CLEAR_AFTER_MS: '1000',
    });
  });
  after(async () => {
    for (const player of players) await player.stop();
    for (const encoder of encoders.values()) encoder.kill('SIGKILL');
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
      const probe = await probeSegment(segmentFile('360p', segment.uri));
      assert.deepEqual(probe.streams, ['audio', 'video'], segment.uri);
      assert.ok(probe.firstVideoFrameIsKey, `${segment.uri} begins with a key frame`);
      if (i > 0) {
        const gap = segment.programDateTime - listed.segments[i - 1].programDateTime;
        assert.ok(Math.abs(gap - listed.segments[i - 1].durationS * 1000) < 50, 'program date-times follow the durations');
      }
    }
    const [r, g, b] = await meanColour(segmentFile('360p', listed.segments.at(-1)!.uri));
    assert.ok(r > 150 && g < 80 && b < 80, `the red hall feed is what plays (mean ${r},${g},${b})`);
    const headers = await fetch(`${node.url}/hls/demo/keynote/360p/${listed.segments[0].uri}`, { headers: { range: 'bytes=0-187' } });
    assert.equal(headers.status, 206, 'segments answer range requests');
    assert.equal((await headers.arrayBuffer()).byteLength, 188);
    assert.equal(headers.headers.get('content-type'), 'video/mp2t');
    assert.match(headers.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(headers.headers.get('access-control-allow-origin'), '*');
  });

  it('answers HEAD, CORS preflights and bad requests the way players and CDNs expect, errors as JSON', async () => {
    // The hall feed of the first test, or its own when run alone.
    if (!encoders.has('onsite')) await feed(undefined, 'color=c=red');
    const listed = await waitFor(playlist, 30_000, 'a 360p playlist');
    const segmentUrl = `${node.url}/hls/demo/keynote/360p/${listed.segments[0].uri}`;
    const head = await fetch(segmentUrl, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 0, 'HEAD tells the length');
    assert.equal((await head.arrayBuffer()).byteLength, 0, 'HEAD sends no body');
    assert.equal(head.headers.get('x-content-type-options'), 'nosniff');
    const variant = await fetch(`${node.url}/hls/demo/keynote/360p/index.m3u8`);
    assert.equal(variant.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.match(variant.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    const preflight = await fetch(segmentUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://partner.example', 'access-control-request-headers': 'range' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'range');
    const refusals: [string, number, string][] = [
      ['/hls/demo/keynote/360p/%E0%A4%A.ts', 400, 'bad_request'],
      ['/hls/demo/keynote/360p/99999999.ts', 404, 'not_found'],
      ['/hls/demo/keynote/../../etc/passwd', 404, 'not_found'],
      ['/hls/demo/keynote/360p/extra/1.ts', 404, 'not_found'],
      ['/hls/demo/keynote/NOPE/index.m3u8', 404, 'not_found'],
      ['/hls/Demo!/keynote/master.m3u8', 404, 'not_found'],
    ];
    for (const [route, status, code] of refusals) {
      const res = await fetch(`${node.url}${route}`);
      assert.equal(res.status, status, route);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, code, route);
    }
    assert.equal((await fetch(segmentUrl, { method: 'POST' })).status, 404, 'nothing but reading');
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
          const [r, , b] = await meanColour(segmentFile('360p', newest.uri));
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

  it('restarts an encoder that dies: the playlist goes on, its media sequence rising, a discontinuity at the seam', async () => {
    const before = node.node.hls.status('demo/keynote');
    assert.ok(before?.encoderPid, 'an encoder runs');
    const lastBefore = (await playlist())!.segments.at(-1)!;
    process.kill(before.encoderPid, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const current = await playlist();
        const seam = current?.segments.findIndex((s) => s.discontinuity) ?? -1;
        return current && seam > 0 && current.segments.length - seam >= 2 ? current : undefined;
      },
      30_000,
      'two segments of the restarted encoder listed after a discontinuity',
    );
    assert.equal(node.node.hls.status('demo/keynote')?.restarts, 1);
    const seam = after.segments.findIndex((s) => s.discontinuity);
    assert.ok(Number(after.segments[seam].uri.split('.')[0]) > Number(lastBefore.uri.split('.')[0]), 'the sequence goes on rising');
    for (const [i, segment] of after.segments.entries()) assert.equal(segment.uri, `${after.mediaSequence + i}.ts`);
    assert.ok((await probeSegment(segmentFile('360p', after.segments[seam].uri))).firstVideoFrameIsKey);
  });

  it('switching to a source of the other codec (VP8) restarts the encoder behind a discontinuity; the playlist goes on', async () => {
    const res = await api('POST', `${STAGE}/ingest`, { videoCodec: 'VP8', feed: 'cam3' });
    assert.equal(res.status, 201);
    encoders.set('cam3', spawnFfmpegIngest((await res.json()) as IngestTargetDto, { pattern: 'color=c=green', size: '640x360' }));
    await waitFor(
      async () => (node.node.media.existingStage('demo/keynote')?.sources.some((s) => s.id === 'onsite-cam3') ? true : undefined),
      10_000,
      'the VP8 feed',
    );
    const before = (await playlist())!;
    const lastBefore = before.mediaSequence + before.segments.length - 1;
    assert.equal((await api('PUT', `${STAGE}/program`, { sourceId: 'onsite-cam3' })).status, 200);
    const after = await waitFor(
      async () => {
        const current = await playlist();
        const newest = current?.segments.at(-1);
        if (!current || !newest) return undefined;
        const [r, g, b] = await meanColour(segmentFile('360p', newest.uri));
        return g > 100 && r < 80 && b < 80 && current.mediaSequence + lastSeam(current) > lastBefore ? current : undefined;
      },
      30_000,
      'the green VP8 feed on the stream after a new discontinuity',
    );
    const seam = lastSeam(after);
    assert.ok((await probeSegment(segmentFile('360p', after.segments[seam].uri))).firstVideoFrameIsKey);
    // Back to the H.264 hall feed for the tests after this one.
    assert.equal((await api('PUT', `${STAGE}/program`, { sourceId: 'onsite' })).status, 200);
    encoders.get('cam3')?.kill('SIGKILL');
  });

  it('is stopped and started by API; a stopped stream answers 404', async () => {
    assert.equal((await api('DELETE', `${STAGE}/hls`)).status, 204);
    assert.equal((await fetch(`${node.url}/hls/demo/keynote/master.m3u8`)).status, 404);
    const status = (await (await api('GET', `${STAGE}/hls`)).json()) as { running: boolean; url: string };
    assert.deepEqual(status, { running: false, url: '/hls/demo/keynote/master.m3u8' });
    assert.equal((await api('POST', `${STAGE}/hls`)).status, 200);
    await waitFor(playlist, 30_000, 'the restarted stream listing a segment');
    assert.equal((await fetch(`${node.url}/hls/demo/keynote/master.m3u8`)).status, 200);
  });
  it('raises hls_stalled when the program stops producing segments, shows the stream in health and metrics, and clears once segments flow', async () => {
    const ops = new ApiClient(node.url).as(tokenFor('ops'));
    type Health = {
      sample: { stages: { stageId: string; hls: HlsHealth | null }[] } | null;
      alerts: { rule: string; clearedAt: string | null }[];
    };
    const healthy = await waitFor(
      async () => {
        const hls = ok<Health>(await ops.get('/api/health')).sample?.stages.find((st) => st.stageId === 'keynote')?.hls;
        return hls && hls.segments > 0 && hls.renditions.every((r) => r.bitrateBps > 0) ? hls : undefined;
      },
      30_000,
      'the HLS stream in the health sample',
    );
    assert.equal(healthy.encoderAlive, true);
    assert.equal(healthy.segmentMs, SEGMENT_S * 1000);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, /stagecast_hls_encoder_up\{stage="demo\/keynote"\} 1/);
    assert.match(metrics, /stagecast_hls_rendition_bitrate_bps\{stage="demo\/keynote",rendition="360p"\} [1-9]/);

    // The program's feed goes silent: its source stays, segments stop.
    const program = node.node.media.existingStage('demo/keynote')?.program ?? 'onsite';
    const feedName = program === 'onsite' ? 'onsite' : program.replace(/^onsite-/, '');
    encoders.get(feedName)?.kill('SIGKILL');
    await waitFor(
      async () => {
        const open = ok<Health>(await ops.get('/api/health')).alerts.filter((a) => a.rule === 'hls_stalled');
        return open.length === 1 ? open : undefined;
      },
      20_000,
      'hls_stalled raised',
    );
    // A restarted encoder is a new sender (another source port): the feed is opened again, as `npm run ingest` does.
    await feed(feedName === 'onsite' ? undefined : feedName, feedName === 'onsite' ? 'color=c=red' : 'color=c=blue');
    await waitFor(
      async () => {
        const open = ok<Health>(await ops.get('/api/health')).alerts.filter((a) => a.rule === 'hls_stalled');
        return open.length === 0 ? true : undefined;
      },
      30_000,
      'hls_stalled cleared once segments flow again',
    );
  });
});

describe('HLS of a private event: players need a playback token of the event', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let encoder: ChildProcess | undefined;
  const playback = createPlaybackTokens(DEV_JWT_SECRET);

  before(async () => {
    node = await startStagecast({ HLS_SEGMENT_SECONDS: '1', HLS_LADDER: '180p:320x180:200' });
    const platform = new ApiClient(node.url).as(tokenFor('admin', '*'));
    ok(await platform.post('/api/events', { id: 'board', name: 'Board meeting', isPublic: false, timezone: 'UTC' }), 201);
    const host = new ApiClient(node.url).as(tokenFor('host', 'board'));
    ok(await host.post('/api/events/board/stages', { id: 'room', name: 'Room' }), 201);
    const target = ok<IngestTargetDto>(await host.post('/api/events/board/stages/room/ingest', { videoCodec: 'VP8' }), 201);
    encoder = spawnFfmpegIngest(target, { size: '320x180' });
    // HLS_AUTOSTART is off here: the host starts it by API.
    ok(await host.post('/api/events/board/stages/room/hls'));
  });
  after(async () => {
    encoder?.kill('SIGKILL');
    await node?.stop();
  });

  it('answers 401 without a token, with an expired one and with one of another event; 200 with a valid one, whose URIs carry it', async () => {
    const master = '/hls/board/room/master.m3u8';
    const get = (query: string) => fetch(`${node.url}${master}${query}`);
    assert.equal((await get('')).status, 401);
    assert.equal((await get(`?token=${playback.sign('board', Date.now() - 1000)}`)).status, 401);
    assert.equal((await get(`?token=${playback.sign('demo', Date.now() + 60_000)}`)).status, 401);
    assert.equal((await get(`?token=${tokenFor('admin', 'board')}`)).status, 401, 'an access token is no playback token');
    assert.equal((await fetch(`${node.url}/hls/nosuch/room/master.m3u8`)).status, 401, 'an unknown event answers like a private one');

    const attendee = new ApiClient(node.url).as(tokenFor('attendee', 'board'));
    const { url } = ok<{ url: string }>(await attendee.get('/api/events/board/stages/room/hls'));
    assert.match(url, /^\/hls\/board\/room\/master\.m3u8\?token=/);
    const token = new URL(url, node.url).searchParams.get('token') ?? '';
    const masterText = await (await fetch(`${node.url}${url}`)).text();
    assert.match(masterText, new RegExp(`180p/index\\.m3u8\\?token=${token}`));
    const variant = await waitFor(
      async () => {
        const res = await fetch(`${node.url}/hls/board/room/180p/index.m3u8?token=${token}`);
        return res.status === 200 ? parseMediaPlaylist(await res.text()) : undefined;
      },
      30_000,
      'a segment of the private stream',
    );
    const segmentUri = variant.segments[0].uri;
    assert.match(segmentUri, /\?token=/);
    const segment = await fetch(`${node.url}/hls/board/room/180p/${segmentUri}`);
    assert.equal(segment.status, 200);
    assert.match(segment.headers.get('cache-control') ?? '', /^private/);
    assert.equal((await fetch(`${node.url}/hls/board/room/180p/${segmentUri.split('?')[0]}`)).status, 401);
    assert.equal(
      (await new ApiClient(node.url).get('/api/events/board/stages/room/hls')).status,
      404,
      'no URL for someone who may not know the event',
    );
  });
});
