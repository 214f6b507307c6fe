import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../scripts/ffmpegIngest';
import { framesDecoded } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { ConsoleHarness } from './consoleHarness';
import { type IngestProcess, startIngest } from './ingestProcess';

interface WatchModeHandle {
  mode: string;
  state: string;
  peerId: string | null;
}

async function watchMode(page: Page): Promise<WatchModeHandle | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: WatchModeHandle }).stagecast;
    return handle ? { mode: handle.mode, state: handle.state, peerId: handle.peerId } : null;
  });
}

/** Waits until the page's picture advances by `frames` decoded frames. */
async function framesGrow(page: Page, frames: number, what: string): Promise<void> {
  const start = await framesDecoded(page);
  await waitFor(async () => ((await framesDecoded(page)) >= start + frames ? true : undefined), 30_000, what);
}

describe('watch page over HLS: sent there past the WebRTC budget, or by choice; everything else as over WebRTC', function () {
  this.timeout(90_000);
  const h = new ConsoleHarness();
  let ingest: IngestProcess | null = null;
  let sessionId = '';
  /** The viewers seated on WebRTC by the first test. */
  const seated: Page[] = [];

  before(async function () {
    this.timeout(60_000);
    await h.start({
      WEBRTC_VIEWER_BUDGET: '2',
      HLS_AUTOSTART: 'true',
      HLS_SEGMENT_SECONDS: '1',
      HLS_LADDER: '360p:640x360:600',
    });
    await h.clearDemoAgenda();
    const speaker = await h.api<{ id: string }>('admin', 'POST', '/api/events/demo/speakers', {
      name: 'Prof. Liu Yang',
      title: 'Director',
      organisation: 'Institute of Optoelectronics',
      presence: 'on-site',
    });
    const session = await h.api<{ id: string }>('host', 'POST', '/api/events/demo/sessions', {
      stageId: 'keynote',
      title: 'Release: laser cladding',
      kind: 'achievement-release',
      speakerIds: [speaker.id],
      plannedStart: new Date(Date.now() - 5 * 60_000).toISOString(),
      plannedEnd: new Date(Date.now() + 55 * 60_000).toISOString(),
    });
    sessionId = session.id;
    await h.api('host', 'POST', `/api/events/demo/sessions/${session.id}/start`);
    ingest = startIngest(h.origin, 'demo/keynote', '640x360');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics(), ingest?.output() ?? '');
  });

  after(async function () {
    this.timeout(30_000);
    const failures: unknown[] = [];
    await ingest?.stop().catch((error: unknown) => failures.push(error));
    await h.stop().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  });

  it('seats two viewers on WebRTC; the third is answered HLS, says why, and plays the stream with the lower-third and live Q&A', async () => {
    for (const name of ['first', 'second']) {
      const page = await h.open('/watch/demo/keynote', name);
      await waitFor(async () => ((await watchMode(page))?.state === 'live' ? true : undefined), 30_000, `${name} viewer live`);
      assert.equal((await watchMode(page))?.mode, 'webrtc');
      seated.push(page);
    }
    // The ladder's first segment is written: a player arriving before it is answered 404 (and the
    // browser logs that as an error), which is not what this test is about.
    await waitFor(async () => (await fetch(`${h.origin}/hls/demo/keynote/360p/index.m3u8`)).ok, {
      what: 'the 360p playlist of the HLS ladder served',
      timeoutMs: 30_000,
    });
    const third = await h.open('/watch/demo/keynote', 'third');
    await waitFor(async () => ((await watchMode(third))?.mode === 'hls' ? true : undefined), 20_000, 'the third viewer sent to HLS');
    assert.equal((await watchMode(third))?.peerId, null, 'no WebRTC peer for it');
    await third.locator('#mode-note', { hasText: /full for low-latency viewers/ }).waitFor({ timeout: 10_000 });
    assert.equal(await third.locator('#mode-badge').getAttribute('data-mode'), 'hls');
    await framesGrow(third, 60, 'the HLS picture playing on the third page');
    // Ops see both audiences of the stage.
    await waitFor(
      async () => {
        const { sample } = await h.api<{ sample: { stages: { stageId: string; viewers: number; hlsViewers: number }[] } | null }>(
          'ops',
          'GET',
          '/api/health',
        );
        const stage = sample?.stages.find((s) => s.stageId === 'keynote');
        return stage && stage.viewers === 2 && stage.hlsViewers === 1 ? true : undefined;
      },
      10_000,
      'health counting 2 WebRTC and 1 HLS viewer',
    );

    // The host puts the hall feed on air with the speaker's lower-third: the HLS page shows it too.
    await h.api('host', 'PUT', '/api/events/demo/stages/keynote/program', { sourceId: 'onsite' });
    await third.locator('#lower-third-name', { hasText: 'Prof. Liu Yang' }).waitFor({ timeout: 10_000 });

    // A question approved by a moderator reaches the HLS page like every other.
    const question = await h.api<{ id: string }>('attendee', 'POST', `/api/events/demo/sessions/${sessionId}/questions`, {
      text: 'Which alloys does the cladding process support?',
    });
    await h.api('moderator', 'POST', `/api/events/demo/sessions/${sessionId}/questions/${question.id}/moderate`, { action: 'approve' });
    await third.locator('#qa-open .qa-text', { hasText: 'Which alloys' }).waitFor({ timeout: 10_000 });
    await h.screenshot(third, 'watch-hls.png');
    assert.deepEqual(h.problems(), []);
  });

  it('a viewer who chooses standard latency plays HLS, and low latency again when a seat is free', async () => {
    const page = await h.open('/watch/demo/keynote', 'chooser');
    // Both seats are taken by the first test's viewers: this one starts on HLS too.
    await waitFor(async () => ((await watchMode(page))?.mode === 'hls' ? true : undefined), 20_000, 'the fourth viewer on HLS');
    await framesGrow(page, 30, 'HLS playing');
    // Free a seat: the first viewer picks standard latency.
    const [first] = seated;
    await first.locator('#mode-switch').click();
    await waitFor(async () => ((await watchMode(first))?.mode === 'hls' ? true : undefined), 10_000, 'the first viewer on HLS by choice');
    assert.equal(await first.locator('#mode-note').isHidden(), true, 'a chosen mode needs no explanation');
    await framesGrow(first, 30, 'HLS playing on the first page');
    // Now the chooser asks for low latency and gets the freed seat.
    await page.locator('#mode-switch').click();
    await waitFor(
      async () => {
        const handle = await watchMode(page);
        return handle?.mode === 'webrtc' && handle.state === 'live' ? true : undefined;
      },
      20_000,
      'the chooser back on WebRTC',
    );
    await framesGrow(page, 30, 'WebRTC playing again');
    assert.deepEqual(h.problems(), []);
  });
});

describe('watch page whose network cannot reach the media ports', function () {
  this.timeout(90_000);
  const h = new ConsoleHarness();
  let encoder: ChildProcess | undefined;

  before(async function () {
    this.timeout(60_000);
    // The node tells browsers to send media to 127.0.0.2, where nothing listens: ICE never connects,
    // as on a network that lets HTTPS through and nothing else. Signaling and HLS (HTTP) still work.
    await h.start({ ANNOUNCED_IP: '127.0.0.2', HLS_AUTOSTART: 'true', HLS_SEGMENT_SECONDS: '1', HLS_LADDER: '360p:640x360:500' });
    const target = await h.api<IngestTargetDto>('host', 'POST', '/api/events/demo/stages/keynote/ingest', { videoCodec: 'H264' });
    // The hall encoder is on the node's own machine: it sends where the feed really listens.
    encoder = spawnFfmpegIngest({ ...target, ip: '127.0.0.1' }, { size: '640x360' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics());
  });

  after(async function () {
    this.timeout(30_000);
    encoder?.kill('SIGKILL');
    await h.stop();
  });

  it('falls back to HLS after trying WebRTC, says why, and plays', async () => {
    const page = await h.open('/watch/demo/keynote', 'blocked');
    await waitFor(async () => ((await watchMode(page))?.mode === 'hls' ? true : undefined), 40_000, 'the page falling back to HLS');
    // The page's mode turns to HLS as it asks for the stream; the note comes with the answer.
    await page.locator('#mode-note', { hasText: /cannot get through your network/ }).waitFor({ timeout: 10_000 });
    await framesGrow(page, 60, 'HLS playing after the fallback');
  });
});
