import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

type Node = Awaited<ReturnType<typeof startStagecast>>;

/** What the player page tells of its playback. */
interface PlayerState {
  connection: string;
  framesDecoded: number;
  width: number;
  height: number;
  /** Milliseconds from the WHEP request to the first decoded frame (null until then). */
  firstFrameMs: number | null;
  /** Peer connections the page made: a player that renegotiated or reconnected would have made another. */
  peerConnections: number;
}

/**
 * A WHEP client from npm (whip-whep's WHEPClient, by one of the draft's authors), run as the page's
 * module: one peer connection receiving video and audio, never renegotiated.
 */
function playerPage(): string {
  const whepJs = fs.readFileSync(require.resolve('whip-whep/whep.js'), 'utf8');
  return `<!doctype html><title>player</title><video muted autoplay playsinline></video><script type="module">
${whepJs}
const video = document.querySelector('video');
globalThis.player = {
  client: null,
  pc: null,
  peerConnections: 0,
  requestedAt: 0,
  firstFrameMs: null,
  async play(url, token) {
    const pc = new RTCPeerConnection();
    this.peerConnections += 1;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const stream = new MediaStream();
    pc.ontrack = (event) => { stream.addTrack(event.track); video.srcObject = stream; };
    this.pc = pc;
    this.client = new WHEPClient();
    this.requestedAt = performance.now();
    await this.client.view(pc, url, token);
    return this.client.resourceURL.href;
  },
  async state() {
    let framesDecoded = 0, width = 0, height = 0;
    if (this.pc) {
      for (const report of (await this.pc.getStats()).values()) {
        if (report.type === 'inbound-rtp' && report.kind === 'video') {
          framesDecoded = report.framesDecoded ?? 0;
          width = report.frameWidth ?? 0;
          height = report.frameHeight ?? 0;
        }
      }
    }
    if (framesDecoded > 0 && this.firstFrameMs === null) this.firstFrameMs = Math.round(performance.now() - this.requestedAt);
    return { connection: this.pc ? this.pc.connectionState : 'none', framesDecoded, width, height, firstFrameMs: this.firstFrameMs, peerConnections: this.peerConnections };
  },
  async stop() { await this.client.stop(); },
};
</script>`;
}

describe('WHEP: a standard player plays the stage program', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  let node: Node;
  let browser: Browser;
  let playerOrigin = '';
  let page: Page | undefined;
  const logs: string[][] = [];

  before(async function () {
    this.timeout(30_000);
    node = teardown.own('the node', await startStagecast(), (n) => n.stop());
    browser = teardown.own('chromium', await launchChromium(), (b) => b.close());
    // The player's page on another loopback origin: its WHEP requests are cross-origin, as a real player's are.
    const pageServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(playerPage()));
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    teardown.add('the player page server', () => new Promise((resolve) => pageServer.close(resolve)));
    playerOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (page) console.log(await pageDiagnostics(page));
    console.log(logs.flat().join('\n'));
  });

  after(() => teardown.run());

  async function api(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** A hall feed from ffmpeg (VP8 test pattern and a tone) of the given picture size. */
  async function hallFeed(feed: string | undefined, size: string): Promise<void> {
    const target = (await api('POST', '/api/events/demo/stages/keynote/ingest', feed ? { feed } : {})) as IngestTargetDto;
    const encoder = startEncoder(target, { size, videoBitrate: '300k' });
    teardown.add(`the ${feed ?? 'main'} hall feed`, () => encoder.stop());
  }

  async function playerState(): Promise<PlayerState> {
    assert.ok(page);
    return page.evaluate(() => (globalThis as unknown as { player: { state(): Promise<PlayerState> } }).player.state());
  }

  it('plays the program, follows an on-air switch without renegotiating, and DELETE ends the session', async () => {
    await hallFeed(undefined, '384x216');
    await hallFeed('wide', '320x180');
    await waitFor(async () => (node.node.media.existingStage('demo/keynote')?.sources.length ?? 0) >= 2 || undefined, {
      what: 'both hall feeds on the stage',
      timeoutMs: 20_000,
    });
    await api('PUT', '/api/events/demo/stages/keynote/program', { sourceId: 'onsite' });

    const context = teardown.own('the player context', await newMediaContext(browser, playerOrigin), (c) => c.close());
    page = await context.newPage();
    logs.push(collectPageLog(page, 'player'));
    await page.goto(`${playerOrigin}/player.html`);
    await waitFor(async () => (await page?.evaluate(() => 'player' in globalThis)) || undefined, {
      what: 'the player page loaded',
      timeoutMs: 10_000,
    });
    const resource = await page.evaluate(
      ([url]) => (globalThis as unknown as { player: { play(u: string): Promise<string> } }).player.play(url),
      [`${node.url}/whep/demo/keynote`] as const,
    );
    assert.match(resource, /\/whep\/demo\/keynote\/[0-9a-f-]{36}$/);
    assert.equal(node.node.whep.sessionCount, 1);
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 1, 'the player counts as a viewer of the stage');

    const first = await waitFor(
      async () => {
        const state = await playerState();
        return state.framesDecoded > 10 && state.width === 384 ? state : undefined;
      },
      { what: 'the first hall feed decoded at its size (384x216)', timeoutMs: 20_000 },
    );
    console.log(`      WHEP request to first decoded frame: ${first.firstFrameMs} ms`);

    await api('PUT', '/api/events/demo/stages/keynote/program', { sourceId: 'onsite-wide' });
    const switched = await waitFor(
      async () => {
        const state = await playerState();
        return state.width === 320 && state.height === 180 && state.framesDecoded > first.framesDecoded + 10 ? state : undefined;
      },
      { what: 'the second hall feed decoded at its size (320x180) on the same connection', timeoutMs: 20_000 },
    );
    assert.equal(switched.connection, 'connected');
    assert.equal(switched.peerConnections, 1, 'the player did not renegotiate or reconnect');
    await waitFor(async () => (await playerState()).framesDecoded > switched.framesDecoded || undefined, {
      what: 'frames still decoding after the switch',
      timeoutMs: 10_000,
    });

    await page.evaluate(() => (globalThis as unknown as { player: { stop(): Promise<void> } }).player.stop());
    await waitFor(async () => node.node.whep.sessionCount === 0 || undefined, { what: 'the WHEP session ended', timeoutMs: 10_000 });
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 0);
  });
});
