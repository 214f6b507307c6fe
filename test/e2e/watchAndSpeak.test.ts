import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import {
  collectPageLog,
  dropSignaling,
  framesDecoded,
  launchChromium,
  newMediaContext,
  pageDiagnostics,
  speakState,
  watchState,
} from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { type IngestProcess, startIngest } from './ingestProcess';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('watch and speak pages in Chromium', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageLogs: string[][] = [];
  let ingest: IngestProcess | null = null;
  let speaker: Page | null = null;

  before(async function () {
    this.timeout(30_000);
    // Started together, but each kept as soon as it is up, so `after` cleans up whichever did start.
    const [started, launched] = await Promise.allSettled([
      startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }),
      launchChromium(),
    ]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const context of contexts) for (const page of context.pages()) console.log(await pageDiagnostics(page));
    console.log(pageLogs.flat().join('\n'));
    if (ingest) console.log(`--- ingest output ---\n${ingest.output()}`);
    console.log(`--- server output (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(30_000);
    // Every step runs even if an earlier one fails, so no process outlives the file.
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<void>): Promise<void> => step().catch((error: unknown) => void failures.push(error));
    const [runningIngest, openBrowser, runningServer] = [ingest, browser, server];
    if (runningIngest) await attempt(() => runningIngest.stop());
    for (const context of contexts) await attempt(() => context.close());
    if (openBrowser) await attempt(() => openBrowser.close());
    if (runningServer) {
      await attempt(() => runningServer.stop());
      fs.rmSync(runningServer.dataDir, { recursive: true, force: true });
    }
    if (failures.length > 0) throw failures[0];
  });

  function origin(): string {
    assert.ok(server, 'the server is running');
    return server.url;
  }

  /** A page in a browser context of its own (its own sessionStorage, so its own participant). */
  async function openPage(path: string, name: string): Promise<Page> {
    assert.ok(browser, 'the browser is running');
    const context = await newMediaContext(browser, origin());
    contexts.push(context);
    const page = await context.newPage();
    pageLogs.push(collectPageLog(page, name));
    await page.goto(`${origin()}${path}`);
    return page;
  }

  /** The speak page publishing its fake camera and microphone on the keynote stage (opened once). */
  async function speakerOnAir(): Promise<Page> {
    if (speaker) return speaker;
    const token = createTokenSigner(DEV_JWT_SECRET, 3600).sign({ role: 'speaker', eventId: 'demo', name: 'Speaker' });
    const page = await openPage(`/speak/demo/keynote?token=${encodeURIComponent(token)}`, 'speak');
    await waitFor(
      async () => {
        const state = await speakState(page);
        return state?.state === 'on-air' && state.producerIds.length === 2 ? true : undefined;
      },
      15_000,
      'the speaker on air with a camera and a microphone producer',
    );
    speaker = page;
    return page;
  }

  async function waitForWatchState(page: Page, wanted: string, timeoutMs = 15_000): Promise<{ state: string; peerId: string | null }> {
    return waitFor(
      async () => {
        const state = await watchState(page);
        return state?.state === wanted ? state : undefined;
      },
      timeoutMs,
      `watch page state ${wanted}`,
    );
  }

  /** More than 10 frames decoded, and more a second later: the picture is moving. */
  async function expectFramesGrowing(page: Page): Promise<{ first: number; second: number }> {
    const first = await waitFor(
      async () => {
        const frames = await framesDecoded(page);
        return frames > 10 ? frames : undefined;
      },
      20_000,
      'more than 10 decoded frames',
    );
    await sleep(1000);
    const second = await framesDecoded(page);
    assert.ok(second > first, `frames decoded grow: ${first} then ${second}`);
    return { first, second };
  }

  it('a watch page plays the camera a speaker page publishes', async () => {
    const viewer = await openPage('/watch/demo/keynote', 'watch keynote');
    await waitForWatchState(viewer, 'no-source');
    assert.equal(await viewer.locator('#status').textContent(), 'No source on air');

    await speakerOnAir();
    await waitForWatchState(viewer, 'live');
    const frames = await expectFramesGrowing(viewer);
    assert.equal(await viewer.locator('#status').textContent(), 'Live');
    assert.equal(await viewer.locator('#program-label').textContent(), 'Speaker');
    console.log(`      frames decoded: ${frames.first} → ${frames.second}`);
  });

  it('a watch page plays the on-site feed that ffmpeg pushes into the stage', async () => {
    const running = startIngest(origin(), 'demo/release');
    ingest = running;
    const viewer = await openPage('/watch/demo/release', 'watch release');
    await waitForWatchState(viewer, 'live', 20_000);
    const frames = await expectFramesGrowing(viewer);
    assert.equal(await viewer.locator('#program-label').textContent(), 'On-site feed');
    console.log(`      frames decoded: ${frames.first} → ${frames.second}`);

    assert.ok(running.members().includes('ffmpeg'), `ffmpeg runs in the ingest's group: ${running.members().join(', ')}`);
    await running.stop();
    ingest = null;
    assert.deepEqual(running.members(), [], 'neither the ingest script nor its ffmpeg is left');
  });

  it('a watch page resumes its session after its socket drops and keeps playing', async () => {
    await speakerOnAir();
    const viewer = await openPage('/watch/demo/keynote', 'watch reconnect');
    const before = await waitForWatchState(viewer, 'live');
    assert.ok(before.peerId, 'the page has joined');
    await expectFramesGrowing(viewer);

    await dropSignaling(viewer);
    await waitForWatchState(viewer, 'reconnecting', 5_000);
    assert.equal(await viewer.locator('#status').textContent(), 'Reconnecting…');
    const framesWhileAway = await framesDecoded(viewer);

    const after = await waitForWatchState(viewer, 'live', 10_000);
    assert.equal(after.peerId, before.peerId, 'the same server session was resumed, not joined anew');
    // A rejoin would decode on a new consumer counting from zero; the resumed one counts on.
    const framesBack = await framesDecoded(viewer);
    assert.ok(framesBack >= framesWhileAway, `the same consumer keeps its count: ${framesWhileAway} then ${framesBack}`);
    await sleep(1000);
    const framesLater = await framesDecoded(viewer);
    assert.ok(framesLater > framesBack, `frames decoded grow after the reconnection: ${framesBack} then ${framesLater}`);
    console.log(`      frames decoded: ${framesWhileAway} while reconnecting, ${framesBack} → ${framesLater} after`);
  });

  it('a watch page shows that nothing is on air once the speaker closes the speak page', async () => {
    const speakPage = await speakerOnAir();
    const viewer = await openPage('/watch/demo/keynote', 'watch leave');
    await waitForWatchState(viewer, 'live');
    await expectFramesGrowing(viewer);

    // The speak page says `leave` as it goes, so the stage does not wait out the reconnect grace.
    const closedAt = Date.now();
    await speakPage.close();
    speaker = null;
    await waitForWatchState(viewer, 'no-source', 5_000);
    assert.equal(await viewer.locator('#status').textContent(), 'No source on air');
    assert.equal(await viewer.locator('#program-label').textContent(), '');
    console.log(`      nothing on air ${Date.now() - closedAt} ms after the speak page closed`);
  });
});
