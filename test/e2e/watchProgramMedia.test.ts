import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics, watchPlacement } from '../helpers/browser';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { dominantColour, type FramePicture, programAudioLevel, programPicture } from '../helpers/pageMedia';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/** The hall's two feeds: a red picture with a 440 Hz tone, and a blue picture without sound. */
const FEEDS = {
  onsite: { feed: undefined, label: 'Hall camera', pattern: 'color=c=red', colour: 'red', silent: false },
  'onsite-wide': { feed: 'wide', label: 'Wide shot', pattern: 'color=c=blue', colour: 'blue', silent: true },
} as const;
type FeedId = keyof typeof FEEDS;

/** ffmpeg's sine source peaks at 1/8 of full scale: an RMS near 0.088. Silence decodes to (almost) exactly 0. */
const TONE_LEVEL = 0.03;
const SILENCE_LEVEL = 0.003;

describe('watch page in Chromium: what the audience sees and hears as the host switches feeds', function () {
  this.timeout(90_000);
  const teardown = new Teardown();
  let node: Awaited<ReturnType<typeof startStagecast>> | undefined;
  let browser: Browser | undefined;
  let viewer: Page | undefined;
  const log: string[][] = [];

  async function api(method: string, path: string, body?: object): Promise<unknown> {
    assert.ok(node, 'the node is running');
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function putOnAir(sourceId: FeedId): Promise<void> {
    await api('PUT', '/api/events/demo/stages/keynote/program', { sourceId });
  }

  before(async function () {
    this.timeout(60_000);
    const [started, launched] = await Promise.allSettled([
      startStagecast().then((n) => teardown.own('the node', n, (up) => up.stop())),
      launchChromium().then((b) => teardown.own('chromium', b, (up) => up.close())),
    ]);
    if (started.status === 'fulfilled') node = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;

    for (const { feed, label, pattern, silent } of Object.values(FEEDS)) {
      const target = (await api('POST', '/api/events/demo/stages/keynote/ingest', { ...(feed ? { feed } : {}), label })) as IngestTargetDto;
      const encoder = startEncoder(target, { pattern, silent, size: '320x180', videoBitrate: '200k' });
      teardown.add(`the ${label} encoder`, () => encoder.stop());
    }
    // Both feeds are sources of the stage before a page opens (a host can only put a live source on air).
    const stage = await waitFor(
      async () => {
        const found = node?.node.media.existingStage('demo/keynote');
        const ids = new Set(found?.sources.map((s) => s.id));
        return ids.has('onsite') && ids.has('onsite-wide') ? found : undefined;
      },
      { what: 'both hall feeds live on the stage', timeoutMs: 20_000 },
    );
    assert.equal(stage.sources.length, 2);

    assert.ok(browser && node);
    const context = teardown.own('the viewer context', await newMediaContext(browser, node.url), (c) => c.close());
    viewer = await context.newPage();
    log.push(collectPageLog(viewer, 'watch'));
    await viewer.goto(`${node.url}/watch/demo/keynote`);
    await waitFor(async () => ((await watchPlacement(viewer!))?.state === 'live' ? true : undefined), {
      what: 'the watch page live',
      timeoutMs: 30_000,
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (viewer) console.log(await pageDiagnostics(viewer));
    console.log(log.flat().join('\n'));
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  function page(): Page {
    assert.ok(viewer, 'the watch page is open');
    return viewer;
  }

  /** Waits until the page plays `sourceId` and its frames are of that feed's colour. */
  async function expectPicture(sourceId: FeedId): Promise<FramePicture> {
    const { colour } = FEEDS[sourceId];
    return waitFor(
      async () => {
        const placement = await watchPlacement(page());
        if (placement?.programSourceId !== sourceId) throw new Error(`the page plays ${placement?.programSourceId ?? 'nothing'}`);
        const picture = await programPicture(page());
        if (dominantColour(picture) !== colour) throw new Error(`the frame is not ${colour}: ${JSON.stringify(picture)}`);
        return picture;
      },
      { what: `${colour} frames of ${sourceId} in the page`, timeoutMs: 20_000 },
    );
  }

  it('the frames change colour with each switch of the host: red hall camera, blue wide shot, red again', async () => {
    for (const sourceId of ['onsite', 'onsite-wide', 'onsite'] as const) {
      await putOnAir(sourceId);
      const picture = await expectPicture(sourceId);
      assert.deepEqual([picture.width, picture.height], [320, 180], 'the feed decoded at its own size');
      assert.equal(await page().locator('#program-label').textContent(), FEEDS[sourceId].label);
    }
  });

  it('the page plays the tone of the feed on air, and silence once the host switches to a feed without sound', async () => {
    await putOnAir('onsite');
    await expectPicture('onsite');
    // The player may have started muted (no gesture yet): a person clicks Unmute, and so does this test.
    const unmute = page().locator('#unmute');
    if (await unmute.isVisible()) await unmute.click();
    const muted = await page().evaluate(
      () =>
        (globalThis as unknown as { document: { getElementById(id: string): { muted: boolean } | null } }).document.getElementById(
          'program',
        )?.muted,
    );
    assert.equal(muted, false, 'the player is not muted');
    const tone = await waitFor(
      async () => {
        const level = await programAudioLevel(page());
        return level !== null && level > TONE_LEVEL ? level : undefined;
      },
      { what: `an audio level above ${TONE_LEVEL} from the hall camera's tone`, timeoutMs: 20_000 },
    );
    assert.ok(tone < 0.5, `the tone plays at the level it was sent (RMS ${tone})`);

    await putOnAir('onsite-wide');
    await expectPicture('onsite-wide');
    await waitFor(
      async () => {
        const level = await programAudioLevel(page());
        return level !== null && level < SILENCE_LEVEL ? true : undefined;
      },
      { what: `an audio level below ${SILENCE_LEVEL} once the silent wide shot is on air`, timeoutMs: 20_000 },
    );
  });
});
