import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import {
  collectPageLog,
  dropSignaling,
  framesDecoded,
  launchChromium,
  newMediaContext,
  pageDiagnostics,
  recordStatusTexts,
  speakState,
  statusTexts,
  watchState,
} from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { Teardown } from '../helpers/teardown';
import { type IngestProcess, startIngest } from './ingestProcess';

describe('watch and speak pages in Chromium', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const pageLogs: string[][] = [];
  let ingest: IngestProcess | null = null;
  let speaker: Page | null = null;
  const teardown = new Teardown();

  before(async function () {
    this.timeout(30_000);
    // Started together, each registered for teardown as soon as it is up.
    const [started, launched] = await Promise.allSettled([
      startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }).then((s) =>
        teardown.own('the server', s, (up) => up.dispose()),
      ),
      launchChromium().then((b) => teardown.own('chromium', b, (up) => up.close())),
    ]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of pages) console.log(await pageDiagnostics(page));
    console.log(pageLogs.flat().join('\n'));
    if (ingest) console.log(`--- ingest output ---\n${ingest.output()}`);
    console.log(`--- server output (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  function origin(): string {
    assert.ok(server, 'the server is running');
    return server.url;
  }

  /** A page in a browser context of its own (its own sessionStorage, so its own participant). */
  async function openPage(path: string, name: string): Promise<Page> {
    assert.ok(browser, 'the browser is running');
    const context = teardown.own(`the ${name} page's context`, await newMediaContext(browser, origin()), (c) => c.close());
    const page = await context.newPage();
    pages.push(page);
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

  /** More than 10 frames decoded, and then more: the picture is moving. */
  async function expectFramesGrowing(page: Page): Promise<void> {
    const first = await waitFor(async () => ((await framesDecoded(page)) > 10 ? framesDecoded(page) : undefined), {
      what: 'more than 10 decoded frames',
      timeoutMs: 20_000,
    });
    await framesGrowBeyond(page, first);
  }

  /** Waits for more than `count` frames decoded (a still picture never gets there). */
  async function framesGrowBeyond(page: Page, count: number): Promise<void> {
    await waitFor(async () => (await framesDecoded(page)) > count, { what: `more than ${count} decoded frames`, timeoutMs: 10_000 });
  }

  it('a watch page plays the camera a speaker page publishes', async () => {
    const viewer = await openPage('/watch/demo/keynote', 'watch keynote');
    await waitForWatchState(viewer, 'no-source');
    assert.equal(await viewer.locator('#status').textContent(), 'No source on air');

    await speakerOnAir();
    await waitForWatchState(viewer, 'live');
    await expectFramesGrowing(viewer);
    assert.equal(await viewer.locator('#status').textContent(), 'Live');
    assert.equal(await viewer.locator('#program-label').textContent(), 'Speaker');
  });

  it('a watch page plays the on-site feed that ffmpeg pushes into the stage', async () => {
    const running = teardown.own('the ingest script', startIngest(origin(), 'demo/release'), (script) => script.stop());
    ingest = running;
    const viewer = await openPage('/watch/demo/release', 'watch release');
    await waitForWatchState(viewer, 'live', 20_000);
    await expectFramesGrowing(viewer);
    assert.equal(await viewer.locator('#program-label').textContent(), 'On-site feed');

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

    await recordStatusTexts(viewer);
    const framesBeforeDrop = await framesDecoded(viewer);
    await dropSignaling(viewer);
    // The page says it reconnects, then that it is live again (in that order, however briefly the first lasts).
    const shown = await waitFor(
      async () => {
        const texts = await statusTexts(viewer);
        const reconnecting = texts.indexOf('Reconnecting…');
        return reconnecting >= 0 && texts.indexOf('Live', reconnecting) > reconnecting ? texts : undefined;
      },
      { what: 'the status showing Reconnecting… and then Live', timeoutMs: 15_000 },
    );
    assert.equal(shown.at(-1), 'Live', `status texts: ${JSON.stringify(shown)}`);

    const after = await waitForWatchState(viewer, 'live');
    assert.equal(after.peerId, before.peerId, 'the same server session was resumed, not joined anew');
    // The resumed consumer counts on from where it was (a rejoin would decode on a new one, from zero).
    const framesBack = await framesDecoded(viewer);
    assert.ok(framesBack >= framesBeforeDrop, `the same consumer keeps its count: ${framesBeforeDrop} then ${framesBack}`);
    await framesGrowBeyond(viewer, framesBack);
  });

  it('a watch page shows that nothing is on air once the speaker closes the speak page', async () => {
    const speakPage = await speakerOnAir();
    const viewer = await openPage('/watch/demo/keynote', 'watch leave');
    await waitForWatchState(viewer, 'live');
    await expectFramesGrowing(viewer);

    // The speak page says `leave` as it goes, so the stage does not wait out the reconnect grace.
    await speakPage.close();
    speaker = null;
    await waitForWatchState(viewer, 'no-source');
    assert.equal(await viewer.locator('#status').textContent(), 'No source on air');
    assert.equal(await viewer.locator('#program-label').textContent(), '');
  });
});
