import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, pageDiagnostics, watchState } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';
import { ARTIFACTS_DIR } from './consoleHarness';

/** A hall's LAN name for the node, as browsers there would type it; Chromium maps it to loopback. */
const LAN_HOST = 'stagecast.test';

/**
 * The browser's user agent as a desktop Chrome sends it. Headless Chromium says "HeadlessChrome/<n>",
 * which mediasoup-client's device detection does not match; on https it reads navigator.userAgentData
 * instead, but that exists only in secure contexts, so over plain http the headless browser alone would
 * look unsupported. A hall attendee's Chrome says "Chrome/<n>".
 */
async function desktopUserAgent(browser: Browser): Promise<string> {
  const probe = await browser.newPage();
  try {
    return (await probe.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent)).replace(
      'HeadlessChrome/',
      'Chrome/',
    );
  } finally {
    await probe.close();
  }
}

interface LanPage {
  page: Page;
  /** Requests that failed, answered ≥ 400, or left for https (an upgrade the node did not ask for). */
  problems: string[];
  log: string[];
}

describe('pages over plain HTTP from a LAN host name, in Chromium', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pages: LanPage[] = [];

  before(async function () {
    this.timeout(30_000);
    // Started together, but each kept as soon as it is up, so `after` cleans up whichever did start.
    const [started, launched] = await Promise.allSettled([
      startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }),
      launchChromium([`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`]),
    ]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const { page, log } of pages) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
    console.log(`--- server output (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(30_000);
    // Every step runs even if an earlier one fails, so no process outlives the file.
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<void>): Promise<void> => step().catch((error: unknown) => void failures.push(error));
    for (const context of contexts) await attempt(() => context.close());
    const [openBrowser, runningServer] = [browser, server];
    if (openBrowser) await attempt(() => openBrowser.close());
    if (runningServer) {
      await attempt(() => runningServer.stop());
      fs.rmSync(runningServer.dataDir, { recursive: true, force: true });
    }
    if (failures.length > 0) throw failures[0];
  });

  /** `http://stagecast.test:<port>`: the node as a browser on the hall's LAN reaches it. */
  function lanOrigin(): string {
    assert.ok(server, 'the server is running');
    return `http://${LAN_HOST}:${new URL(server.url).port}`;
  }

  async function openOverLan(pathAndQuery: string, name: string): Promise<LanPage> {
    assert.ok(browser, 'the browser is running');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: await desktopUserAgent(browser) });
    contexts.push(context);
    const page = await context.newPage();
    const entry: LanPage = { page, problems: [], log: [] };
    page.on('request', (request) => {
      if (request.url().startsWith('https:') || request.url().startsWith('wss:'))
        entry.problems.push(`[${name}] went to https: ${request.url()}`);
    });
    page.on('requestfailed', (request) => entry.problems.push(`[${name}] failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('response', (response) => {
      if (response.status() >= 400) entry.problems.push(`[${name}] ${response.status()}: ${response.url()}`);
    });
    page.on('console', (message) => entry.log.push(`[${name}] ${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => entry.problems.push(`[${name}] uncaught: ${error.message}`));
    pages.push(entry);
    await page.goto(`${lanOrigin()}${pathAndQuery}`);
    return entry;
  }

  function assertClean(entry: LanPage): void {
    assert.deepEqual(entry.problems, [], 'no failed, refused or upgraded request');
    assert.ok(entry.page.url().startsWith(`${lanOrigin()}/`), `still on plain http: ${entry.page.url()}`);
  }

  it('the front page lists the demo event’s stages with links to watch them', async () => {
    const home = await openOverLan('/', 'home');
    const cards = home.page.locator('.stage-card');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 2);
    const hrefs = await home.page
      .locator('.stage-card a')
      .evaluateAll((links: { getAttribute(name: string): string | null }[]) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual([...hrefs].sort(), ['/watch/demo/keynote', '/watch/demo/release']);
    assert.equal(await home.page.locator('a[href="/admin"]').count(), 1);
    await home.page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lan-home.png'), fullPage: true });
    assertClean(home);
  });

  it('the watch page connects to the stage and says nothing is on air yet', async () => {
    const watch = await openOverLan('/watch/demo/keynote', 'watch');
    await waitFor(
      async () => ((await watchState(watch.page))?.state === 'no-source' ? true : undefined),
      15_000,
      'watch page connected (no source on air)',
    );
    assert.equal(await watch.page.locator('#status').textContent(), 'No source on air');
    assertClean(watch);
  });

  it('the speak page loads with a speaker link and explains that the camera needs https', async () => {
    const token = tokenFor('speaker', 'demo', 'Speaker on the LAN');
    const speak = await openOverLan(`/speak/demo/keynote?token=${encodeURIComponent(token)}`, 'speak');
    await speak.page.locator('#status[data-state="failed"]').waitFor({ timeout: 10_000 });
    assert.match((await speak.page.locator('#detail').textContent()) ?? '', /https/);
    assertClean(speak);
  });

  it('the console signs in from a link and gets its live connection', async () => {
    const console = await openOverLan(`/admin?token=${encodeURIComponent(tokenFor('host', 'demo', 'Host on the LAN'))}#/agenda`, 'console');
    await console.page.locator('.connection[data-connected="true"]').waitFor({ timeout: 15_000 });
    assert.equal(await console.page.locator('.event-name').textContent(), 'Tech Achievement Fair — Demo');
    assertClean(console);
  });
});
