// The ingest benchmark's WHIP part: a browser encoder (Chromium with its fake camera, the `whip-whep`
// client from npm) publishes to a stage that a watch page already shows waiting; the time from the
// encoder's publish call to the watch page's first decoded frame, per round. Each round ends with the
// encoder's DELETE and the stage's source gone.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { firstDecodedFrame, launchChromium } from '../lib/browser';
import { waitFor } from '../lib/wait';

function encoderPage(): string {
  const whipJs = fs.readFileSync(require.resolve('whip-whep/whip.js'), 'utf8');
  return `<!doctype html><title>encoder</title><script type="module">
${whipJs}
globalThis.encoder = {
  async publish(url, key) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
    this.client = new WHIPClient();
    await this.client.publish(pc, url, key);
  },
  async stop() { await this.client.stop(); },
};
</script>`;
}

async function mediaPage(browser: Browser, origin: string, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Milliseconds from publish to the first decoded frame at a watch page, one per round. */
export async function whipPublishToFirstFrame(
  nodeUrl: string,
  stage: { eventId: string; stageId: string },
  key: string,
  rounds: number,
  hasOnsiteSource: () => Promise<boolean>,
): Promise<number[]> {
  const pageServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(encoderPage()));
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  const encoderOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const watch = await mediaPage(browser, nodeUrl, `${nodeUrl}/watch/${stage.eventId}/${stage.stageId}`);
      const encoder = await mediaPage(browser, encoderOrigin, `${encoderOrigin}/encoder.html`);
      await encoder.waitForFunction(() => 'encoder' in globalThis, undefined, { timeout: 10_000 });
      const started = performance.now();
      await encoder.evaluate(
        async ([url, k]) =>
          (globalThis as unknown as { encoder: { publish(u: string, key: string): Promise<void> } }).encoder.publish(url, k),
        [`${nodeUrl}/whip/${stage.eventId}/${stage.stageId}`, key] as const,
      );
      await firstDecodedFrame(watch, 20);
      times.push(performance.now() - started);
      await encoder.evaluate(async () => (globalThis as unknown as { encoder: { stop(): Promise<void> } }).encoder.stop());
      await waitFor(async () => !(await hasOnsiteSource()), { what: 'the WHIP source gone after DELETE', timeoutMs: 10_000 });
      await watch.context().close();
      await encoder.context().close();
    }
    return times;
  } finally {
    await browser.close();
    await new Promise((resolve) => pageServer.close(resolve));
  }
}
