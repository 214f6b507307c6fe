import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchState } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/** A WHIP client from npm (the RFC's authors' reference client), run as the page's module. */
function encoderPage(): string {
  const whipJs = fs.readFileSync(require.resolve('whip-whep/whip.js'), 'utf8');
  return `<!doctype html><title>encoder</title><script type="module">
${whipJs}
globalThis.encoder = {
  client: null,
  async publish(url, key) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
    this.pc = pc;
    this.client = new WHIPClient();
    await this.client.publish(pc, url, key);
    return this.client.resourceURL.href;
  },
  state() { return this.pc ? this.pc.connectionState : 'none'; },
  async stop() { await this.client.stop(); },
};
</script>`;
}

describe('WHIP: a browser encoder publishes a stage feed', function () {
  this.timeout(90_000);
  const teardown = new Teardown();
  let server: ServerProcess | undefined;
  /** Serves the encoder's page: an origin other than the node's, so the WHIP requests are cross-origin (CORS). */
  let encoderOrigin = '';
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const logs: string[][] = [];

  before(async function () {
    this.timeout(30_000);
    const [started, launched] = await Promise.allSettled([
      startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }).then((s) =>
        teardown.own('the server', s, (up) => up.dispose()),
      ),
      launchChromium().then((b) => teardown.own('chromium', b, (up) => up.close())),
    ]);
    const pageServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(encoderPage()));
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    teardown.add('the encoder page server', () => new Promise((resolve) => pageServer.close(resolve)));
    encoderOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of pages) console.log(await pageDiagnostics(page));
    console.log(logs.flat().join('\n'));
    console.log(`--- server output (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(() => teardown.run());

  async function openPage(url: string, name: string, origin: string): Promise<Page> {
    assert.ok(browser);
    const context = teardown.own(`the ${name} context`, await newMediaContext(browser, origin), (c) => c.close());
    const page = await context.newPage();
    pages.push(page);
    logs.push(collectPageLog(page, name));
    await page.goto(url);
    return page;
  }

  async function onsiteSources(): Promise<string[]> {
    assert.ok(server);
    const res = await fetch(`${server.url}/api/events/demo/stages/keynote/media`, {
      headers: { authorization: `Bearer ${tokenFor('ops')}` },
    });
    if (res.status === 404) return [];
    const view = (await res.json()) as { sources: { id: string; kind: string }[] };
    return view.sources.filter((s) => s.kind === 'onsite').map((s) => s.id);
  }

  it('publishes camera and microphone over WHIP; a watch page decodes it; DELETE makes the source disappear', async () => {
    assert.ok(server);
    const created = await fetch(`${server.url}/api/events/demo/stages/keynote/stream-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: JSON.stringify({ label: 'Browser encoder' }),
    });
    assert.equal(created.status, 201);
    const { key } = (await created.json()) as { key: string };

    const viewer = await openPage(`${server.url}/watch/demo/keynote`, 'watch', server.url);
    const encoder = await openPage(`${encoderOrigin}/encoder.html`, 'encoder', encoderOrigin);
    await waitFor(async () => (await encoder.evaluate(() => 'encoder' in globalThis)) || undefined, {
      what: 'the encoder page loaded',
      timeoutMs: 10_000,
    });
    const resource = await encoder.evaluate(
      async ([url, k]) =>
        (globalThis as unknown as { encoder: { publish(u: string, key: string): Promise<string> } }).encoder.publish(url, k),
      [`${server.url}/whip/demo/keynote`, key] as const,
    );
    assert.match(resource, /\/whip\/demo\/keynote\/[0-9a-f-]{36}$/);
    await waitFor(
      async () =>
        (await encoder.evaluate(() => (globalThis as unknown as { encoder: { state(): string } }).encoder.state())) === 'connected',
      { what: 'the encoder connected (ICE and DTLS)', timeoutMs: 15_000 },
    );
    assert.deepEqual(await onsiteSources(), ['onsite']);

    await waitFor(async () => (await watchState(viewer))?.state === 'live', { what: 'the watch page live', timeoutMs: 20_000 });
    const first = await waitFor(async () => ((await framesDecoded(viewer)) > 10 ? framesDecoded(viewer) : undefined), {
      what: 'more than 10 frames decoded',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await framesDecoded(viewer)) > first, { what: `more than ${first} frames decoded`, timeoutMs: 10_000 });

    await encoder.evaluate(async () => (globalThis as unknown as { encoder: { stop(): Promise<void> } }).encoder.stop());
    await waitFor(async () => (await onsiteSources()).length === 0 || undefined, {
      what: 'the source gone from the stage',
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await watchState(viewer))?.state === 'no-source', {
      what: 'the watch page without a source',
      timeoutMs: 10_000,
    });
  });
});
