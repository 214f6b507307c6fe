import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { IngestTargetDto } from '../../../scripts/ffmpegIngest';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import type { RecordingRecord } from '../../../server/store/records';
import { call, nodeIds, ok, startClusterNode } from '../../helpers/cluster';
import { startEncoder } from '../../helpers/encoder';
import { playHls } from '../../helpers/hls';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

const STAGE = '/api/events/demo/stages/release';

/**
 * A stage's stream runs on its origin and a replay stays on the node that recorded it; a player may
 * reach whichever node a load balancer picks. Two nodes on one Redis, each with its own disk.
 */
describe('a cluster serves every stage’s HLS and every replay from each node', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  let a: ServerProcess;
  let b: ServerProcess;

  before(async function () {
    this.timeout(90_000);
    const redis = teardown.own('redis', await RedisServer.start(), (r) => r.stop());
    const media = { HLS_AUTOSTART: 'true', HLS_SEGMENT_SECONDS: '1', HLS_LADDER: '180p:320x180:200', RECORD_SESSIONS: 'true' };
    a = teardown.own('node a', await startClusterNode(redis, 'node-a', media), (node) => node.dispose());
    b = teardown.own('node b', await startClusterNode(redis, 'node-b', media), (node) => node.dispose());
    await waitFor(async () => (await nodeIds(b)).length === 2, { what: 'B seeing both nodes', timeoutMs: 10_000 });
    // The hall feed enters A, which becomes the stage's origin and runs its stream.
    const target = await ok<IngestTargetDto>(call(a, 'POST', `${STAGE}/ingest`, 'host', { videoCodec: 'H264' }));
    const encoder = startEncoder(target, { size: '320x180', keyframeInterval: 15 });
    teardown.add('the hall feed', () => encoder.stop());
    await waitFor(async () => (await fetch(`${a.url}/hls/demo/release/180p/index.m3u8`)).status === 200, {
      what: 'the stream listing segments on A',
      timeoutMs: 40_000,
    });
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  it('the other node redirects playlists and segments to the origin, and a player pointed at it plays', async () => {
    const redirected = await fetch(`${b.url}/hls/demo/release/master.m3u8`, { redirect: 'manual' });
    assert.equal(redirected.status, 307);
    assert.equal(redirected.headers.get('location'), `${a.url}/hls/demo/release/master.m3u8`);
    assert.equal(redirected.headers.get('access-control-allow-origin'), '*');
    assert.equal(redirected.headers.get('cache-control'), 'no-cache');

    const followed = await fetch(`${b.url}/hls/demo/release/master.m3u8`);
    assert.equal(followed.status, 200);
    assert.match(await followed.text(), /180p\/index\.m3u8/);

    const player = teardown.own('an HLS player', playHls(`${b.url}/hls/demo/release/master.m3u8`, 8), (p) => p.stop());
    await waitFor(async () => player.frames() >= 60, {
      what: `60 frames decoded through B (errors: ${player.errors()})`,
      timeoutMs: 40_000,
    });
    assert.equal(player.errors(), '');
  });

  it('a stage with no origin is not found on either node (no redirect)', async () => {
    for (const node of [a, b]) {
      const res = await fetch(`${node.url}/hls/demo/keynote/master.m3u8`, { redirect: 'manual' });
      assert.equal(res.status, 404, node.url);
    }
  });

  it('a session recorded on the origin replays through the other node, with ranges', async () => {
    const start = Date.UTC(2035, 0, 1, 9);
    const session = await ok<{ id: string }>(
      call(a, 'POST', '/api/events/demo/sessions', 'host', {
        stageId: 'release',
        title: 'Release: recorded on A',
        kind: 'achievement-release',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 30 * 60_000).toISOString(),
      }),
    );
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/start`, 'host'));
    const listedOnB = async (): Promise<RecordingRecord | undefined> =>
      (await ok<RecordingRecord[]>(call(b, 'GET', '/api/events/demo/recordings', 'host'))).find((r) => r.id === session.id);
    const recording = await waitFor(listedOnB, { what: 'the recording listed through B', timeoutMs: 20_000 });
    assert.equal(recording.nodeId, 'node-a');
    // A few seconds recorded on A's disk, then the session ends through the other node: A's recorder hears of it.
    const parts = path.join(a.dataDir, 'recordings', 'demo', `${session.id}.parts`);
    await waitFor(async () => fs.existsSync(parts) && fs.readdirSync(parts).filter((f) => f.endsWith('.ts')).length >= 3, {
      what: 'three segments kept for the recording on A',
      timeoutMs: 30_000,
    });
    await ok(call(b, 'POST', `/api/events/demo/sessions/${session.id}/end`, 'host'));
    const ready = await waitFor(async () => ((await listedOnB())?.status === 'ready' ? await listedOnB() : undefined), {
      what: 'the recording ready',
      timeoutMs: 40_000,
    });

    const replay = `/replay/demo/${session.id}`;
    const redirected = await fetch(`${b.url}${replay}`, { redirect: 'manual' });
    assert.equal(redirected.status, 307);
    assert.equal(redirected.headers.get('location'), `${a.url}${replay}`);
    const whole = await fetch(`${b.url}${replay}`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal((await whole.arrayBuffer()).byteLength, ready?.bytes);
    const ranged = await fetch(`${b.url}${replay}`, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
  });
});
