import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../scripts/ffmpegIngest';
import { launchChromium } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';

const PARTNER = 'partner.test';
const STRANGER = 'stranger.test';

/** Frames the player's video decoded so far (0 before it exists). */
async function frames(frame: Frame): Promise<number> {
  return frame.evaluate<number>(
    `(() => { const v = document.getElementById('program'); return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0; })()`,
  );
}

/** A partner platform's page that frames the stage's player. */
describe('embeddable player: a partner page frames a stage (HLS with the lower-third); other sites may not', function () {
  this.timeout(90_000);
  let server: ServerProcess | undefined;
  let partner: http.Server | undefined;
  let browser: Browser | undefined;
  let encoder: ChildProcess | undefined;
  let partnerPort = 0;

  const host = (method: string, path: string, body?: object) =>
    fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokenFor('host')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function partnerPage(hostName: string): Promise<Page> {
    const page = await (await browser!.newContext()).newPage();
    await page.goto(`http://${hostName}:${partnerPort}/`);
    return page;
  }

  before(async () => {
    // The partner's site: one page with an iframe of the node's player.
    partner = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><title>Partner</title><iframe id="player" width="640" height="360" src="${server!.url}/embed/demo/keynote"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => partner!.listen(0, '127.0.0.1', () => resolve()));
    partnerPort = (partner.address() as AddressInfo).port;
    server = await startServer({
      HLS_AUTOSTART: 'true',
      HLS_SEGMENT_SECONDS: '1',
      HLS_LADDER: '360p:640x360:500',
      ALLOWED_EMBED_ORIGINS: `http://${PARTNER}:${partnerPort}`,
      RTC_LISTEN_IP: '127.0.0.1',
      ANNOUNCED_IP: '127.0.0.1',
    });
    const target = (await (await host('POST', '/api/events/demo/stages/keynote/ingest', { videoCodec: 'H264' })).json()) as IngestTargetDto;
    encoder = spawnFfmpegIngest(target, { size: '640x360' });
    browser = await launchChromium([`--host-resolver-rules=MAP ${PARTNER} 127.0.0.1, MAP ${STRANGER} 127.0.0.1`]);
  });

  after(async () => {
    encoder?.kill('SIGKILL');
    await browser?.close();
    await new Promise((resolve) => partner?.close(resolve));
    await server?.stop();
  });

  it('plays in the partner’s iframe with the lower-third', async () => {
    const speaker = (await (
      await host('POST', '/api/events/demo/speakers', {
        name: 'Dr. Zhou Min',
        title: 'Chief engineer',
        organisation: 'Nanyang Optics',
        presence: 'on-site',
      })
    ).json()) as { id: string };
    assert.equal((await host('PUT', '/api/events/demo/stages/keynote/program', { sourceId: 'onsite', speakerId: speaker.id })).status, 200);
    const page = await partnerPage(PARTNER);
    const player = await waitFor(
      async () => page.frames().find((f) => f.url().includes('/embed/demo/keynote')),
      10_000,
      'the player frame',
    );
    await waitFor(async () => ((await frames(player)) > 60 ? true : undefined), 30_000, 'the framed player decoding the stream');
    await player.locator('#lower-third-name', { hasText: 'Dr. Zhou Min' }).waitFor({ timeout: 10_000 });
  });

  it('is refused in a frame of a site ALLOWED_EMBED_ORIGINS does not name', async () => {
    const page = await partnerPage(STRANGER);
    const blocked = await waitFor(
      async () => {
        const frame = page.frames().find((f) => f !== page.mainFrame());
        // Until it has navigated a frame is an empty document: that proves nothing yet.
        if (!frame || frame.url() === '' || frame.url() === 'about:blank') return undefined;
        // A frame the policy refused never runs the player's page.
        return (await frame.evaluate<boolean>(`document.getElementById('program') === null`).catch(() => true)) ? true : undefined;
      },
      10_000,
      'the stranger’s frame refused',
    );
    assert.equal(blocked, true);
    assert.match(
      page
        .frames()
        .find((f) => f !== page.mainFrame())
        ?.url() ?? '',
      /^chrome-error:/,
      'Chromium refused to show it',
    );
    const direct = await fetch(`${server!.url}/embed/demo/keynote`);
    assert.match(
      direct.headers.get('content-security-policy') ?? '',
      new RegExp(`frame-ancestors 'self' http://${PARTNER}:${partnerPort}`),
    );
    assert.equal(direct.headers.get('x-frame-options'), null);
    assert.equal(
      (await fetch(`${server!.url}/watch/demo/keynote`)).headers.get('x-frame-options'),
      'SAMEORIGIN',
      'other pages keep refusing frames',
    );
  });
});
