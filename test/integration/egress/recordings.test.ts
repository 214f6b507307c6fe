import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../../scripts/ffmpegIngest';
import type { RecordingRecord } from '../../../server/store/records';
import { ApiClient, ok } from '../../helpers/api';
import { launchChromium } from '../../helpers/browser';
import { waitFor } from '../../helpers/net';
import { type ServerProcess, startServer } from '../../helpers/serverProcess';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

type Listed = RecordingRecord & { url: string | null };

function probe(file: string): { durationS: number; streams: string[] } {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file], {
    encoding: 'utf8',
  });
  const parsed = JSON.parse(run.stdout) as { format?: { duration?: string }; streams?: { codec_type: string }[] };
  return { durationS: Number(parsed.format?.duration ?? NaN), streams: (parsed.streams ?? []).map((s) => s.codec_type).sort() };
}

/** Every session that goes live becomes a replay, also when the node is killed while it records. */
describe('recordings: a session live on a stage becomes an MP4 replay', function () {
  this.timeout(120_000);
  const env = {
    RECORD_SESSIONS: 'true',
    HLS_SEGMENT_SECONDS: '1',
    HLS_LADDER: '360p:640x360:500',
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
  };
  let server: ServerProcess | undefined;
  let encoder: ChildProcess | undefined;
  let browser: Browser | undefined;
  const host = () => new ApiClient(server!.url).as(tokenFor('host'));

  async function liveSession(title: string, offsetMinutes: number): Promise<string> {
    const start = Date.UTC(2035, 0, 1, 9) + offsetMinutes * 60_000;
    const session = ok<{ id: string }>(
      await host().post('/api/events/demo/sessions', {
        stageId: 'release',
        title,
        kind: 'achievement-release',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 30 * 60_000).toISOString(),
      }),
      201,
    );
    ok(await host().post(`/api/events/demo/sessions/${session.id}/start`));
    return session.id;
  }

  async function feed(): Promise<void> {
    encoder?.kill('SIGKILL');
    const target = ok<IngestTargetDto>(await host().post('/api/events/demo/stages/release/ingest', { videoCodec: 'H264' }), 201);
    encoder = spawnFfmpegIngest(target, { size: '640x360' });
  }

  async function recording(sessionId: string, status: RecordingRecord['status']): Promise<Listed> {
    return waitFor(
      async () => {
        const listed = ok<Listed[]>(await new ApiClient(server!.url).get('/api/events/demo/recordings'));
        const found = listed.find((r) => r.id === sessionId);
        return found?.status === status ? found : undefined;
      },
      40_000,
      `recording of ${sessionId} ${status}`,
    );
  }

  async function keptSegments(sessionId: string, count: number): Promise<void> {
    const parts = path.join(server!.dataDir, 'recordings', 'demo', `${sessionId}.parts`);
    await waitFor(
      async () => (fs.existsSync(parts) && fs.readdirSync(parts).filter((f) => f.endsWith('.ts')).length >= count ? true : undefined),
      30_000,
      `${count} segments kept for the recording`,
    );
  }

  const fileOf = (sessionId: string): string => path.join(server!.dataDir, 'recordings', 'demo', `${sessionId}.mp4`);

  before(async () => {
    server = await startServer(env);
    await feed();
  });
  after(async () => {
    encoder?.kill('SIGKILL');
    await browser?.close();
    if (server) {
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  });

  it('cuts the replay at the session’s real start and end (within 2 s), with sound and picture, served with ranges and playable in Chromium', async () => {
    const sessionId = await liveSession('Release: a recorded one', 0);
    assert.equal((await recording(sessionId, 'recording')).url, null);
    // Live until a few seconds of it are kept.
    await keptSegments(sessionId, 5);
    ok(await host().post(`/api/events/demo/sessions/${sessionId}/end`));
    const ready = await recording(sessionId, 'ready');
    const liveS = (Date.parse(ready.endedAt!) - Date.parse(ready.startedAt)) / 1000;
    const probed = probe(fileOf(sessionId));
    assert.deepEqual(probed.streams, ['audio', 'video']);
    assert.ok(Math.abs(probed.durationS - liveS) <= 2, `replay ${probed.durationS} s for ${liveS} s live`);
    assert.equal(ready.partial, false);
    assert.equal(ready.url, `/replay/demo/${sessionId}`);

    const ranged = await fetch(`${server!.url}${ready.url}`, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-type'), 'video/mp4');
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
    // faststart: the index (moov) comes before the media (mdat).
    const head = Buffer.from(
      await (await fetch(`${server!.url}${ready.url}`, { headers: { range: 'bytes=0-4095' } })).arrayBuffer(),
    ).toString('latin1');
    assert.ok(head.includes('moov') && head.indexOf('moov') < (head.includes('mdat') ? head.indexOf('mdat') : Infinity), 'moov first');

    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    await page.setContent(`<video id="replay" muted src="${server!.url}${ready.url}"></video>`);
    // The page's own script (this test file is compiled without the DOM's types): it plays, and the picture advances.
    await page.evaluate(`document.getElementById('replay').play()`);
    await page.waitForFunction(
      `(() => { const v = document.getElementById('replay'); return v.currentTime > 0.5 && v.getVideoPlaybackQuality().totalVideoFrames > 10; })()`,
      undefined,
      { timeout: 15_000 },
    );
  });

  it('a node killed while recording leaves a partial replay that the next start finalises and that plays', async () => {
    const sessionId = await liveSession('Release: cut short', 60);
    await keptSegments(sessionId, 4);
    const dataDir = server!.dataDir;
    server!.child.kill('SIGKILL');
    await server!.exited;
    encoder?.kill('SIGKILL');
    server = await startServer(env, dataDir);
    const ready = await recording(sessionId, 'ready');
    assert.equal(ready.partial, true);
    const probed = probe(fileOf(sessionId));
    assert.deepEqual(probed.streams, ['audio', 'video']);
    assert.ok(probed.durationS >= 3, `the partial replay holds what was recorded (${probed.durationS} s)`);
    assert.equal((await fetch(`${server.url}${ready.url}`)).status, 200);
  });
});

describe('recordings: a disk short of space', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;

  before(async () => {
    // More free space asked for than a test machine has.
    node = await startStagecast({ RECORD_SESSIONS: 'true', RECORDINGS_MIN_FREE_MB: '10000000', HEALTH_SAMPLE_INTERVAL_MS: '200' });
  });
  after(async () => node?.stop());

  it('refuses to record (the recording says why) and raises disk_low, rather than filling the disk', async () => {
    const host = new ApiClient(node.url).as(tokenFor('host'));
    const start = Date.UTC(2036, 0, 1, 9);
    const session = ok<{ id: string }>(
      await host.post('/api/events/demo/sessions', {
        stageId: 'release',
        title: 'Release with a full disk',
        kind: 'achievement-release',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 30 * 60_000).toISOString(),
      }),
      201,
    );
    ok(await host.post(`/api/events/demo/sessions/${session.id}/start`));
    const refused = await waitFor(
      async () =>
        ok<Listed[]>(await new ApiClient(node.url).get('/api/events/demo/recordings')).find(
          (r) => r.id === session.id && r.status === 'failed',
        ),
      10_000,
      'the recording refused',
    );
    assert.match(refused.problem ?? '', /not recorded: .* MB free/);
    assert.equal(node.node.hls.status('demo/release'), null, 'no stream was started for it');
    const ops = new ApiClient(node.url).as(tokenFor('ops'));
    await waitFor(
      async () =>
        ok<{ alerts: { rule: string }[] }>(await ops.get('/api/health')).alerts.some((a) => a.rule === 'disk_low') ? true : undefined,
      10_000,
      'disk_low raised',
    );
  });
});
