import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
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
  statusTexts,
  watchState,
} from '../helpers/browser';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { programPicture } from '../helpers/pageMedia';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/** An event the public join link does not open: only the links its organisers hand out do. */
const PRIVATE_EVENT = 'board-briefing';
const PRIVATE_STAGE = 'main';
/** Long enough for a page to connect and play on a loaded machine, short enough to wait out. */
const SHORT_TTL_SECONDS = 15;
const shortLived = createTokenSigner(DEV_JWT_SECRET, SHORT_TTL_SECONDS);
const verifier = createTokenSigner(DEV_JWT_SECRET, 3600);

describe('watch page in Chromium: who gets in (a private event) and what happens when access runs out', function () {
  this.timeout(90_000);
  const fileTeardown = new Teardown();
  const testTeardown = new Teardown();
  let node: Awaited<ReturnType<typeof startStagecast>> | undefined;
  let browser: Browser | undefined;
  const opened: { page: Page; log: string[] }[] = [];

  before(async function () {
    this.timeout(60_000);
    const [started, launched] = await Promise.allSettled([
      startStagecast({ ANNOUNCED_IP: '127.0.0.1' }).then((n) => fileTeardown.own('the node', n, (up) => up.stop())),
      launchChromium().then((b) => fileTeardown.own('chromium', b, (up) => up.close())),
    ]);
    if (started.status === 'fulfilled') node = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;

    const { agenda } = stagecast().node.conference;
    await agenda.createEvent({ id: PRIVATE_EVENT, name: 'Board briefing', isPublic: false, timezone: 'UTC' });
    await agenda.createStage(PRIVATE_EVENT, { id: PRIVATE_STAGE, name: 'Main room' });
    // A hall feed on the private stage and on the public demo keynote.
    for (const [eventId, stageId] of [
      [PRIVATE_EVENT, PRIVATE_STAGE],
      ['demo', 'keynote'],
    ]) {
      const response = await fetch(`${stagecast().url}/api/events/${eventId}/stages/${stageId}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host', eventId)}` },
        body: '{}',
      });
      assert.equal(response.status, 201, await response.clone().text());
      const encoder = startEncoder((await response.json()) as IngestTargetDto, { size: '320x180', videoBitrate: '200k' });
      fileTeardown.add(`the ${eventId}/${stageId} encoder`, () => encoder.stop());
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const { page, log } of opened) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
    }
    opened.length = 0;
    await testTeardown.run();
  });

  after(async function () {
    this.timeout(60_000);
    await fileTeardown.run();
  });

  function stagecast(): Awaited<ReturnType<typeof startStagecast>> {
    assert.ok(node, 'the node is running');
    return node;
  }

  /** `watching`: called with the page before it loads (to listen to what it fetches). */
  async function openPage(path: string, name: string, watching?: (page: Page) => void): Promise<Page> {
    assert.ok(browser, 'the browser is running');
    const context = testTeardown.own(`the ${name} context`, await newMediaContext(browser, stagecast().url), (c) => c.close());
    const page = await context.newPage();
    opened.push({ page, log: collectPageLog(page, name) });
    watching?.(page);
    await page.goto(`${stagecast().url}${path}`);
    return page;
  }

  async function expectLive(page: Page): Promise<void> {
    await waitFor(async () => ((await watchState(page))?.state === 'live' ? true : undefined), {
      what: 'the watch page live',
      timeoutMs: 30_000,
    });
    const frames = await framesDecoded(page);
    await waitFor(async () => (await framesDecoded(page)) > frames + 10, {
      what: `more than ${frames + 10} decoded frames`,
      timeoutMs: 20_000,
    });
  }

  /** Until the server refuses `token` as expired (the wait is on the token's state, not a sleep). */
  async function tokenExpired(token: string): Promise<void> {
    await waitFor(
      async () => {
        try {
          verifier.verify(token);
          return false;
        } catch (error) {
          return error instanceof Error && error.message === 'token expired';
        }
      },
      { what: 'the token expired', timeoutMs: (SHORT_TTL_SECONDS + 10) * 1000, intervalMs: 250 },
    );
  }

  async function storedToken(page: Page, eventId: string): Promise<string | null> {
    return page.evaluate(
      (key) => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(key),
      `stagecast.token.${eventId}`,
    );
  }

  it('refuses a private event to a page without an access link, says so, and plays nothing', async () => {
    const joinAnswers: number[] = [];
    const page = await openPage(`/watch/${PRIVATE_EVENT}/${PRIVATE_STAGE}`, 'no link', (p) =>
      p.on('response', (response) => {
        if (new URL(response.url()).pathname === `/api/events/${PRIVATE_EVENT}/join`) joinAnswers.push(response.status());
      }),
    );
    await page.locator('#status[data-state="failed"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#status').textContent(), 'Not connected');
    assert.equal(
      await page.locator('#detail').textContent(),
      'This event does not exist or is not open to the public: open it with the access link you were given.',
    );
    const picture = await programPicture(page);
    assert.deepEqual([picture.width, picture.height], [0, 0], 'no frame shown');
    assert.equal(await watchState(page), null, 'the page never connected to the stage');
    assert.deepEqual(joinAnswers, [404], 'the public join answered the private event as an unknown one, once');
  });

  it('plays a private event to a page opened with its access link', async () => {
    const token = tokenFor('attendee', PRIVATE_EVENT, 'Invited guest');
    const page = await openPage(`/watch/${PRIVATE_EVENT}/${PRIVATE_STAGE}?token=${encodeURIComponent(token)}`, 'with link');
    await expectLive(page);
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token is taken out of the address bar');
    const peerId = (await watchState(page))?.peerId;
    assert.ok(
      stagecast()
        .node.signaling.peers.all()
        .some((peer) => peer.peerId === peerId && peer.principal.eventId === PRIVATE_EVENT && peer.stageId === PRIVATE_STAGE),
      'the page joined the private stage',
    );
  });

  it('an attendee whose token expires while watching gets a new one from the public join at the next reconnection, and plays on', async () => {
    const token = shortLived.sign({ role: 'attendee', eventId: 'demo', name: 'Guest', anonymous: true });
    const page = await openPage(`/watch/demo/keynote?token=${encodeURIComponent(token)}`, 'expiring guest');
    await expectLive(page);
    const before = await watchState(page);
    assert.ok(before?.peerId, 'the page joined the stage');

    await tokenExpired(token);
    await recordStatusTexts(page);
    await dropSignaling(page);
    const shown = await waitFor(
      async () => {
        const texts = await statusTexts(page);
        const reconnecting = texts.indexOf('Reconnecting…');
        return reconnecting >= 0 && texts.indexOf('Live', reconnecting) > reconnecting ? texts : undefined;
      },
      { what: 'the status showing Reconnecting… and then Live', timeoutMs: 30_000 },
    );
    assert.ok(!shown.includes('Not connected'), `the page never gave up: ${JSON.stringify(shown)}`);
    await expectLive(page);

    const renewed = await storedToken(page, 'demo');
    assert.ok(renewed && renewed !== token, 'the page holds a new token');
    const principal = verifier.verify(renewed);
    assert.equal(principal.anonymous, true, 'an attendee token of the public join');
    const after = await watchState(page);
    assert.ok(after?.peerId && after.peerId !== before.peerId, 'joined afresh with the new token');
    assert.ok(
      stagecast()
        .node.signaling.peers.all()
        .some((peer) => peer.peerId === after.peerId && peer.principal.id === principal.id && peer.socket !== null),
      "the node holds the page's new peer, connected, under the new token's participant",
    );
  });

  it('a guest whose access link expires while watching is told at the next reconnection to ask for a new link', async () => {
    const token = shortLived.sign({ role: 'attendee', eventId: PRIVATE_EVENT, name: 'Invited guest' });
    const page = await openPage(`/watch/${PRIVATE_EVENT}/${PRIVATE_STAGE}?token=${encodeURIComponent(token)}`, 'expiring link');
    await expectLive(page);

    await tokenExpired(token);
    await dropSignaling(page);
    await page.locator('#status[data-state="failed"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#status').textContent(), 'Not connected');
    assert.equal(
      await page.locator('#detail').textContent(),
      'Your access link has expired or was withdrawn: ask whoever gave it to you for a new one.',
    );
    assert.equal(await storedToken(page, PRIVATE_EVENT), null, 'the refused token is forgotten');
    const picture = await programPicture(page);
    assert.deepEqual([picture.width, picture.height], [0, 0], 'the picture is gone');
  });
});
