import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { speakState } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { ConsoleHarness } from './consoleHarness';
import { type IngestProcess, startIngest } from './ingestProcess';

/** What the watch page plays, as its `window.stagecast` and `<video>` tell. */
interface Playing {
  state: string;
  programSourceId: string | null;
  framesDecoded: number;
  videoWidth: number;
}

async function playing(page: Page): Promise<Playing | null> {
  return page.evaluate(async () => {
    const scope = globalThis as unknown as {
      stagecast?: { state: string; programSourceId: string | null; videoStats(): Promise<{ framesDecoded: number }> };
      document: { querySelector(selector: string): unknown };
    };
    const handle = scope.stagecast;
    if (!handle) return null;
    const video = scope.document.querySelector('#program') as { videoWidth: number } | null;
    return {
      state: handle.state,
      programSourceId: handle.programSourceId,
      framesDecoded: (await handle.videoStats()).framesDecoded,
      videoWidth: video?.videoWidth ?? 0,
    };
  });
}

/** Waits until the page plays `sourceId` with frames decoding on it, and shows they keep coming. */
/**
 * The hall feed's picture size: one that neither a simulcast layer of the speaker's 1280x720 camera
 * (320, 640, 1280 wide) nor the browser's downscaling under CPU load (steps of 3/4 and 1/2) produces,
 * so the width alone tells the two sources apart.
 */
const HALL_WIDTH = 384;
const HALL_SIZE = `${HALL_WIDTH}x216`;

async function expectPlaying(page: Page, sourceId: string, timeoutMs = 10_000): Promise<Playing> {
  const first = await waitFor(
    async () => {
      const now = await playing(page);
      return now?.programSourceId === sourceId && now.framesDecoded > 5 && now.videoWidth > 0 ? now : undefined;
    },
    timeoutMs,
    `the watch page playing ${sourceId}`,
  );
  // More frames on the same source: awaited, not sampled after a fixed pause (a loaded machine may
  // decode nothing for a while without anything being wrong).
  return waitFor(
    async () => {
      const later = await playing(page);
      return later?.programSourceId === sourceId && later.framesDecoded > first.framesDecoded ? later : undefined;
    },
    timeoutMs,
    `frames that keep decoding on ${sourceId} (first ${first.framesDecoded})`,
  );
}

/** Whether a source tile's preview `<video>` shows moving pictures. */
async function previewPlays(page: Page, sourceId: string): Promise<boolean> {
  return page.locator(`.source-tile[data-source="${sourceId}"] video`).evaluate((element) => {
    const video = element as unknown as { readyState: number; videoWidth: number; paused: boolean };
    return video.readyState >= 2 && video.videoWidth > 0 && !video.paused;
  });
}

describe('console stage control and ops with the attendee page, in Chromium', function () {
  // A safety net above the sum of the tests' own bounded waits, so a failure names the wait that failed.
  this.timeout(180_000);
  const h = new ConsoleHarness();
  let ingest: IngestProcess | null = null;

  before(async function () {
    this.timeout(60_000);
    // A sample a second, and 2 s of silence make a feed down: source_down is raised 2–3 s after the
    // feed stops (with the defaults, a sample every 2 s and 3 s of silence, it takes 4–6 s).
    await h.start({ HEALTH_SAMPLE_INTERVAL_MS: '1000', ALERT_SOURCE_SILENT_MS: '2000' });
    await h.clearDemoAgenda();
    ingest = startIngest(h.origin, 'demo/keynote', HALL_SIZE);
    const speaker = await h.api<{ id: string }>('admin', 'POST', '/api/events/demo/speakers', {
      name: 'Maria Rossi',
      title: 'CTO',
      organisation: 'Agritech Ltd',
      presence: 'remote',
    });
    const session = await h.api<{ id: string }>('host', 'POST', '/api/events/demo/sessions', {
      stageId: 'keynote',
      title: 'Keynote: AI in agriculture',
      kind: 'keynote',
      speakerIds: [speaker.id],
      plannedStart: new Date(Date.now() - 5 * 60_000).toISOString(),
      plannedEnd: new Date(Date.now() + 55 * 60_000).toISOString(),
    });
    await h.api('host', 'POST', `/api/events/demo/sessions/${session.id}/start`);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    console.log(await h.diagnostics());
    if (ingest) console.log(`--- ingest output ---\n${ingest.output()}`);
  });

  after(async function () {
    this.timeout(60_000);
    const teardown = new Teardown();
    teardown.add('the console harness (pages, browser, server)', () => h.stop());
    const running = ingest;
    if (running) teardown.add('the ingest script', () => running.stop());
    await teardown.run();
  });

  it('the host switches the program from the hall feed to a speaker’s camera and back; the attendee’s picture follows', async () => {
    const speaker = await h.open(`/speak/demo/keynote?token=${encodeURIComponent(tokenFor('speaker', 'demo', 'Maria Rossi'))}`, 'speaker', {
      width: 960,
      height: 640,
    });
    const viewer = await h.open('/watch/demo/keynote', 'attendee');
    const host = await h.openConsole('host', '#/stage/keynote');

    const speakerOnAir = await waitFor(
      async () => {
        const state = await speakState(speaker);
        return state?.state === 'on-air' && state.producerIds.length === 2 ? state : undefined;
      },
      15_000,
      'the speaker on air',
    );
    assert.ok(speakerOnAir);
    const cameraTile = host.locator('.source-tile[data-source^="camera:"]');
    await cameraTile.waitFor({ timeout: 15_000 });
    const cameraId = await cameraTile.getAttribute('data-source');
    assert.ok(cameraId);
    // Hosts preview every source, not only the one on air.
    await waitFor(
      async () => ((await previewPlays(host, 'onsite')) && (await previewPlays(host, cameraId)) ? true : undefined),
      20_000,
      'both previews playing',
    );

    // The hall feed on air first.
    await host.locator('.source-tile[data-source="onsite"] .button-take').click();
    await host.locator('.source-tile.on-air[data-source="onsite"]').waitFor({ timeout: 15_000 });
    const hall = await expectPlaying(viewer, 'onsite', 20_000);
    assert.equal(hall.videoWidth, HALL_WIDTH);

    // One click: the speaker's camera. The attendee's picture comes from the camera's consumer now.
    await cameraTile.locator('.button-take').click();
    const camera = await expectPlaying(viewer, cameraId, 20_000);
    assert.notEqual(camera.videoWidth, HALL_WIDTH, 'the picture has the camera’s size, not the hall feed’s');
    await host.locator(`.source-tile.on-air[data-source="${cameraId}"]`).waitFor();
    // The lower-third names the live session's speaker, on the console and on the attendee's page.
    await viewer.locator('#lower-third:not([hidden])').waitFor({ timeout: 15_000 });
    assert.equal(await viewer.locator('#lower-third-name').textContent(), 'Maria Rossi');
    assert.equal(await host.locator('#lower-third-preview-name').textContent(), 'Maria Rossi');
    await h.screenshot(host, 'console-stage.png');
    await h.screenshot(viewer, 'watch-program-camera.png');
    const phone = await h.open('/watch/demo/keynote', 'phone', { width: 390, height: 844 });
    await expectPlaying(phone, cameraId, 15_000);
    await h.screenshot(phone, 'watch-phone-live.png');

    // Undo is one click.
    const undo = host.locator('#program-undo');
    assert.match((await undo.textContent()) ?? '', /Back to On-site feed/);
    await undo.click();
    await expectPlaying(viewer, 'onsite', 20_000);
    await host.locator('.source-tile.on-air[data-source="onsite"]').waitFor();
  });

  it('the ops view turns the stage red once the hall feed stops, with a source_down alert', async () => {
    const ops = await h.openConsole('ops', '#/ops');
    const card = ops.locator('.health-card[data-stage="keynote"]');
    await ops.locator('.health-card[data-stage="keynote"] [data-source="onsite"][data-receiving="true"]').waitFor({ timeout: 10_000 });
    assert.notEqual(await card.getAttribute('data-level'), 'down');
    // Charts fill from the pushed samples.
    await ops.locator('.chart .u-legend', { hasText: 'On-site feed' }).first().waitFor({ timeout: 15_000 });

    const running = ingest;
    assert.ok(running, 'the hall feed runs');
    await running.stop();
    ingest = null;
    // The bound is a wait's, not a measurement (a sample a second, 2 s of silence make it down).
    await ops.locator('.health-card[data-stage="keynote"][data-level="down"]').waitFor({ timeout: 20_000 });
    assert.match((await card.locator('.level-badge').textContent()) ?? '', /Source down/);
    await ops.locator('#active-alerts .alert[data-rule="source_down"]').waitFor({ timeout: 15_000 });
    // The node serving the stage is listed with its load: a single node lists itself, origin of the stage.
    await ops.locator('#node-list .node', { hasText: 'origin of 1' }).waitFor({ timeout: 15_000 });
    assert.equal(await ops.locator('#node-list .node').count(), 1);
    await h.screenshot(ops, 'console-ops.png');
    // The file's hall feed back, for whatever runs next.
    ingest = startIngest(h.origin, 'demo/keynote', HALL_SIZE);
  });

  it('no page threw or logged an error', () => {
    assert.deepEqual(h.problems(), []);
  });
});
