import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
import { ApiClient, ok } from '../helpers/api';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics, watchState } from '../helpers/browser';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { dominantFrequency } from '../helpers/pageMedia';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { testSigner, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { toneWav } from '../helpers/tones';

interface HlsAudioHandle {
  mode: string;
  hlsAudio: { tracks: { language: string | null }[]; selected: { language: string | null } | null };
}

async function hlsAudio(page: Page): Promise<HlsAudioHandle | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: HlsAudioHandle }).stagecast;
    return handle ? { mode: handle.mode, hlsAudio: handle.hlsAudio } : null;
  });
}

/**
 * The watch page in standard latency (HLS) on a stage with interpretation: an interpreter in Chromium
 * (fake microphone: an 880 Hz tone) in the en booth, the hall feed's 440 Hz floor, and a viewer who
 * picks a language in the same picker as over WebRTC.
 */
describe('watch page over HLS: the language picker chooses the stream’s audio rendition', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  const pageLogs: string[][] = [];
  const pages: Page[] = [];
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;

  before(async function () {
    this.timeout(60_000);
    const dir = teardown.own('the tone file', mkdtempSync(path.join(tmpdir(), 'stagecast-tones-')), (d) =>
      rmSync(d, { recursive: true, force: true }),
    );
    const wav880 = path.join(dir, '880.wav');
    writeFileSync(wav880, toneWav(880));
    server = teardown.own(
      'the server',
      await startServer({
        RTC_LISTEN_IP: '127.0.0.1',
        ANNOUNCED_IP: '127.0.0.1',
        HLS_AUTOSTART: 'true',
        HLS_SEGMENT_SECONDS: '1',
        HLS_LADDER: '180p:320x180:200',
      }),
      (s) => s.dispose(),
    );
    browser = teardown.own(
      'chromium',
      await launchChromium([`--use-file-for-fake-audio-capture=${wav880}`, '--autoplay-policy=no-user-gesture-required']),
      (b) => b.close(),
    );
    const host = new ApiClient(server.url).as(tokenFor('host'));
    ok(
      await host.patch('/api/events/demo/stages/keynote', { floorLanguage: 'zh', interpretationLanguages: ['en', 'fr'], floorLevel: 0.2 }),
    );
    const target = ok<IngestTargetDto>(await host.post('/api/events/demo/stages/keynote/ingest', { videoCodec: 'H264' }), 201);
    teardown.own('the hall encoder', startEncoder(target, { size: '320x180' }), (e) => e.stop());
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of pages) console.log(await pageDiagnostics(page));
    console.log(pageLogs.flat().join('\n'));
    console.log(`--- server output (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  async function openPage(pathname: string, name: string): Promise<Page> {
    assert.ok(browser && server, 'the browser and the server are running');
    const context = teardown.own(`the ${name} page's context`, await newMediaContext(browser, server.url), (c) => c.close());
    const page = await context.newPage();
    pages.push(page);
    pageLogs.push(collectPageLog(page, name));
    await page.goto(`${server.url}${pathname}`);
    return page;
  }

  it('offers the languages, switches hls.js to the chosen rendition, fetches its segments and plays its sound', async () => {
    const token = testSigner.sign({ role: 'interpreter', eventId: 'demo', name: 'Ada (en)', stageId: 'keynote', language: 'en' });
    await openPage(`/interpret/demo/keynote?token=${encodeURIComponent(token)}`, 'interpreter en');

    const viewer = await openPage('/watch/demo/keynote', 'viewer');
    const segments: string[] = [];
    viewer.on('request', (request) => {
      const match = /\/hls\/demo\/keynote\/(audio-[a-z-]+)\/\d+\.ts/.exec(request.url());
      if (match) segments.push(match[1]);
    });
    await waitFor(async () => ((await watchState(viewer))?.state === 'live' ? true : undefined), 30_000, 'the viewer live');
    await viewer.locator('#mode-switch').click();
    const tracks = await waitFor(
      async () => {
        const handle = await hlsAudio(viewer);
        return handle?.mode === 'hls' && handle.hlsAudio.tracks.length === 3 ? handle.hlsAudio.tracks : undefined;
      },
      30_000,
      'the HLS player knowing the three audio renditions',
    );
    assert.deepEqual(
      tracks.map((t) => t.language),
      ['zh', 'en', 'fr'],
    );
    assert.equal((await hlsAudio(viewer))?.hlsAudio.selected?.language, 'zh', 'the floor plays first');
    assert.equal(await viewer.locator('#language').isEnabled(), true, 'the picker works in standard latency');
    await waitFor(
      async () => ((await viewer.locator('#language option[value="en"]').count()) > 0 ? true : undefined),
      10_000,
      'en offered',
    );

    await viewer.selectOption('#language', 'en');
    await waitFor(
      async () => ((await hlsAudio(viewer))?.hlsAudio.selected?.language === 'en' ? true : undefined),
      10_000,
      'hls.js on the en rendition',
    );
    const before = segments.filter((s) => s === 'audio-en').length;
    await waitFor(async () => (segments.filter((s) => s === 'audio-en').length > before ? true : undefined), 20_000, 'en segments fetched');
    await waitFor(
      async () => {
        const heard = await dominantFrequency(viewer, 'program');
        return heard !== null && heard.db > -80 && Math.abs(heard.hz - 880) < 12 ? heard : undefined;
      },
      { what: "the page playing the interpreter's 880 Hz", timeoutMs: 30_000, intervalMs: 250 },
    );

    await viewer.selectOption('#language', '');
    await waitFor(
      async () => ((await hlsAudio(viewer))?.hlsAudio.selected?.language === 'zh' ? true : undefined),
      10_000,
      'hls.js back on the floor rendition',
    );
    await waitFor(
      async () => {
        const heard = await dominantFrequency(viewer, 'program');
        return heard !== null && heard.db > -80 && Math.abs(heard.hz - 440) < 12 ? heard : undefined;
      },
      { what: "the page playing the floor's 440 Hz again", timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.ok(segments.includes('audio-floor'), 'floor segments fetched');
  });
});
