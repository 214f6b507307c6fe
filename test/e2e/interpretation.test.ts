import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import type { BoothState, StageHealthView } from '../../signaling/contract';
import { ApiClient, ok } from '../helpers/api';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { dominantFrequency } from '../helpers/pageMedia';
import { toneWav } from '../helpers/tones';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { Teardown } from '../helpers/teardown';

interface HealthReply {
  sample: { stages: (StageHealthView & { stageId: string })[] } | null;
}

interface InterpretHandle {
  mic: string;
  language: string | null;
  booth: BoothState | null;
  handOver(): Promise<BoothState>;
}

interface WatchLanguageHandle {
  state: string;
  language: string | null;
  floorVolume: number;
  /** MediaStreamTracks of the page (this side has no DOM types). */
  languageTracks(): unknown[];
}

async function interpretHandle(page: Page): Promise<{ mic: string; language: string | null; booth: BoothState | null } | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: InterpretHandle }).stagecast;
    return handle ? { mic: handle.mic, language: handle.language, booth: handle.booth } : null;
  });
}

describe('simultaneous interpretation in Chromium: booths, handover, a viewer choosing a language', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  const pages: Page[] = [];
  const pageLogs: string[][] = [];
  let server: ServerProcess | undefined;
  /** Fake microphone 440 Hz (booth en, first interpreter; also the viewer). */
  let browser440: Browser | undefined;
  /** Fake microphone 880 Hz (booth fr; and the second interpreter of booth en). */
  let browser880: Browser | undefined;
  const signer = createTokenSigner(DEV_JWT_SECRET, 3600);

  before(async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'stagecast-tones-'));
    teardown.own('the tone files', dir, (d) => rmSync(d, { recursive: true, force: true }));
    const wav440 = path.join(dir, '440.wav');
    const wav880 = path.join(dir, '880.wav');
    writeFileSync(wav440, toneWav(440));
    writeFileSync(wav880, toneWav(880));
    // The fake microphone's file is a switch of the whole browser: one browser per tone.
    const args = (wav: string): string[] => [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'];
    server = teardown.own('the server', await startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }), (s) => s.dispose());
    browser440 = teardown.own('chromium 440', await launchChromium(args(wav440)), (b) => b.close());
    browser880 = teardown.own('chromium 880', await launchChromium(args(wav880)), (b) => b.close());
    const host = signer.sign({ role: 'host', eventId: 'demo', name: 'Host' });
    ok(
      await new ApiClient(server.url)
        .as(host)
        .patch('/api/events/demo/stages/keynote', { floorLanguage: 'zh', interpretationLanguages: ['en', 'fr'], floorLevel: 0.25 }),
    );
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

  async function openPage(browser: Browser | undefined, pathname: string, name: string): Promise<Page> {
    assert.ok(browser && server, 'the browser and the server are running');
    const context = teardown.own(`the ${name} page's context`, await newMediaContext(browser, server.url), (c) => c.close());
    const page = await context.newPage();
    pages.push(page);
    pageLogs.push(collectPageLog(page, name));
    await page.goto(`${server.url}${pathname}`);
    return page;
  }

  function interpreterLink(language: string, name: string): string {
    const token = signer.sign({ role: 'interpreter', eventId: 'demo', name, stageId: 'keynote', language });
    return `/interpret/demo/keynote?token=${encodeURIComponent(token)}`;
  }

  async function micState(page: Page, wanted: string, what: string): Promise<BoothState> {
    return waitFor(
      async () => {
        const handle = await interpretHandle(page);
        return handle?.mic === wanted && handle.booth ? handle.booth : undefined;
      },
      { what, timeoutMs: 20_000 },
    );
  }

  async function hears(
    viewer: Page,
    hz: number,
    what: string,
    tracksOf: 'languageTracks' | 'relayTracks' = 'languageTracks',
  ): Promise<void> {
    await waitFor(
      async () => {
        const heard = await dominantFrequency(viewer, tracksOf);
        // One FFT bin is ~5.9 Hz at 48 kHz; a tone well above the noise floor, within two bins.
        return heard !== null && heard.db > -80 && Math.abs(heard.hz - hz) < 12 ? heard : undefined;
      },
      { what, timeoutMs: 20_000, intervalMs: 100 },
    );
  }

  it('a viewer hears the chosen booth (880 Hz fr, then 440 Hz en), and a handover keeps exactly one interpreter live', async () => {
    const enFirst = await openPage(browser440, interpreterLink('en', 'Ada (en)'), 'interpreter en 440');
    await micState(enFirst, 'live', 'the first interpreter of booth en to be live');
    const fr = await openPage(browser880, interpreterLink('fr', 'Blaise (fr)'), 'interpreter fr 880');
    await micState(fr, 'live', 'the interpreter of booth fr to be live');
    const enSecond = await openPage(browser880, interpreterLink('en', 'Carl (en)'), 'interpreter en 880');
    const booth = await micState(enSecond, 'muted', 'the second interpreter of booth en to arrive muted');
    assert.equal(booth.interpreters.filter((i) => i.live).length, 1, 'one interpreter of booth en is live');

    const viewer = await openPage(browser440, '/watch/demo/keynote', 'viewer');
    await waitFor(async () => (await viewer.locator('#language option[value="fr"]').count()) > 0 || undefined, {
      what: 'the language picker to list fr',
      timeoutMs: 20_000,
    });
    await viewer.selectOption('#language', 'fr');
    await hears(viewer, 880, 'the viewer to hear 880 Hz on fr');
    const floorVolume = await viewer.evaluate(() => (globalThis as unknown as { stagecast: WatchLanguageHandle }).stagecast.floorVolume);
    assert.equal(floorVolume, 0.25, "the floor stays underneath at the stage's level");

    await viewer.selectOption('#language', 'en');
    await hears(viewer, 440, 'the viewer to hear 440 Hz on en (the first interpreter is live)');

    // The live interpreter hands over: the partner (880 Hz) is live, the first is muted, both pages say so.
    await enFirst.evaluate(async () => {
      await (globalThis as unknown as { stagecast: InterpretHandle }).stagecast.handOver();
    });
    const afterHandover = await micState(enFirst, 'muted', 'the first interpreter to be muted after handing over');
    await micState(enSecond, 'live', 'the partner to be live after the handover');
    assert.deepEqual(
      afterHandover.interpreters.filter((i) => i.live).map((i) => i.name),
      ['Carl (en)'],
      'exactly one interpreter of booth en is live: the partner',
    );
    await hears(viewer, 880, 'the viewer of en to hear the partner (880 Hz) after the handover');

    // And back: the muted one takes the channel again.
    await enFirst.evaluate(async () => {
      await (globalThis as unknown as { stagecast: InterpretHandle }).stagecast.handOver();
    });
    await micState(enSecond, 'muted', 'the partner to be muted after the first took over again');
    const taken = await micState(enFirst, 'live', 'the first interpreter to be live again');
    assert.equal(taken.interpreters.filter((i) => i.live).length, 1, 'still exactly one live');
    await hears(viewer, 440, 'the viewer of en to hear 440 Hz again');

    // Relay interpreting: the fr interpreter (880 Hz microphone) listens to the en booth (440 Hz live again).
    await fr.evaluate(async () => {
      await (globalThis as unknown as { stagecast: { relay(language: string | null): Promise<void> } }).stagecast.relay('en');
    });
    await hears(fr, 440, 'the fr interpreter to hear the en booth as relay', 'relayTracks');

    // Ops see each booth: live, the live microphone's level (a tone well above silence), and metrics.
    const ops = new ApiClient(server?.url ?? '').as(signer.sign({ role: 'ops', eventId: 'demo', name: 'Ops' }));
    const channels = await waitFor(
      async () => {
        const health = ok<HealthReply>(await ops.get('/api/health'));
        const languages = health.sample?.stages.find((s) => s.stageId === 'keynote')?.languages ?? [];
        const heard = languages.filter((l) => l.live && l.audioLevelDbov !== null && l.audioLevelDbov > -60);
        return heard.length === 2 ? languages : undefined;
      },
      { what: 'the health sample to show both booths live with their microphones heard', timeoutMs: 15_000, intervalMs: 250 },
    );
    assert.deepEqual(channels.map((l) => [l.language, l.interpreters]).sort(), [
      ['en', 2],
      ['fr', 1],
    ]);
    const metrics = await (await fetch(`${server?.url ?? ''}/metrics`)).text();
    assert.match(metrics, /stagecast_language_interpreter_live\{stage="[^"]*keynote[^"]*",language="en"\} 1/);

    // The floor alone: no language track plays, the floor is back at full level.
    await viewer.selectOption('#language', '');
    const floorOnly = await waitFor(
      async () => {
        const state = await viewer.evaluate(() => {
          const handle = (globalThis as unknown as { stagecast: WatchLanguageHandle }).stagecast;
          return { tracks: handle.languageTracks().length, volume: handle.floorVolume, language: handle.language };
        });
        return state.volume === 1 ? state : undefined;
      },
      { what: 'the floor to be back at full level', timeoutMs: 10_000 },
    );
    assert.deepEqual(floorOnly, { tracks: 0, volume: 1, language: null });
  });
});
