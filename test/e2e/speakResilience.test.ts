import assert from 'node:assert/strict';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { programPicture } from '../helpers/pageMedia';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/** Short, so a test can outlast it; long enough that a socket dropped on purpose comes back within it. */
const RECONNECT_GRACE_MS = 4000;
const STAGE_KEY = 'demo/keynote';
/**
 * A viewer's downlink is taken to carry this much until estimated (VIEWER_START_BITRATE): low, so that
 * a cap just above it (mediasoup takes no cap below the start estimate) leaves room for the lowest
 * simulcast layer only.
 */
const VIEWER_START_BITRATE = 100_000;
const DOWNLINK_CAP = VIEWER_START_BITRATE + 10_000;

interface OpenPage {
  page: Page;
  context: BrowserContext;
}

describe('speak page in Chromium: network drops, the grace period, and simulcast layers for a constrained viewer', function () {
  this.timeout(90_000);
  const fileTeardown = new Teardown();
  /** What one test opened (pages, contexts): closed after each test, so no test leans on another's pages. */
  const testTeardown = new Teardown();
  let node: Awaited<ReturnType<typeof startStagecast>> | undefined;
  let browser: Browser | undefined;
  const opened: { page: Page; log: string[] }[] = [];
  /** Every consumer the node's workers create, with the transport it sends on, and every producer (mediasoup's observer API). */
  const consumers: { consumer: types.Consumer; transport: types.Transport }[] = [];
  /** Producers on a browser's send transport (not their copies piped to other routers). */
  const producers: types.Producer[] = [];
  const onNewWorker = (worker: types.Worker): void => {
    worker.observer.on('newrouter', (router: types.Router) =>
      router.observer.on('newtransport', (transport: types.Transport) => {
        transport.observer.on('newconsumer', (consumer: types.Consumer) => consumers.push({ consumer, transport }));
        transport.observer.on('newproducer', (producer: types.Producer) => {
          if ((transport.appData as { direction?: string }).direction === 'send') producers.push(producer);
        });
      }),
    );
  };

  before(async function () {
    this.timeout(60_000);
    mediasoup.observer.on('newworker', onNewWorker);
    fileTeardown.add('the worker observer', () => mediasoup.observer.off('newworker', onNewWorker));
    const [started, launched] = await Promise.allSettled([
      startStagecast({
        RECONNECT_GRACE_MS: String(RECONNECT_GRACE_MS),
        VIEWER_START_BITRATE: String(VIEWER_START_BITRATE),
        ANNOUNCED_IP: '127.0.0.1',
      }).then((n) => fileTeardown.own('the node', n, (up) => up.stop())),
      launchChromium().then((b) => fileTeardown.own('chromium', b, (up) => up.close())),
    ]);
    if (started.status === 'fulfilled') node = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const { page, log } of opened) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
    }
    opened.length = 0;
    consumers.length = 0;
    producers.length = 0;
    await testTeardown.run();
    // A closed page's peer stays parked for the grace period, still holding its producers and consumers:
    // the next test would find the old speaker on air, or the old viewer's consumer, if it began sooner.
    if (node) {
      await waitFor(async () => (stagePeers().length === 0 ? true : undefined), {
        what: "the closed pages' peers gone from the stage (the grace period over)",
        timeoutMs: RECONNECT_GRACE_MS + 15_000,
      });
    }
  });

  after(async function () {
    this.timeout(60_000);
    await fileTeardown.run();
  });

  function stagecast(): Awaited<ReturnType<typeof startStagecast>> {
    assert.ok(node, 'the node is running');
    return node;
  }

  async function openPage(path: string, name: string): Promise<OpenPage> {
    assert.ok(browser, 'the browser is running');
    const context = testTeardown.own(`the ${name} context`, await newMediaContext(browser, stagecast().url), (c) => c.close());
    const page = await context.newPage();
    opened.push({ page, log: collectPageLog(page, name) });
    await page.goto(`${stagecast().url}${path}`);
    return { page, context };
  }

  /** A speak page publishing its fake camera (simulcast) and microphone on the keynote stage. */
  async function speakerOnAir(): Promise<OpenPage & { producerIds: string[] }> {
    const token = tokenFor('speaker', 'demo', 'Speaker');
    const speak = await openPage(`/speak/demo/keynote?token=${encodeURIComponent(token)}`, 'speak');
    const producerIds = await waitFor(
      async () => {
        const state = await speakState(speak.page);
        return state?.state === 'on-air' && state.producerIds.length === 2 ? state.producerIds : undefined;
      },
      { what: 'the speaker on air with a camera and a microphone producer', timeoutMs: 20_000 },
    );
    return { ...speak, producerIds };
  }

  async function viewerLive(): Promise<Page> {
    const { page } = await openPage('/watch/demo/keynote', 'watch');
    await waitFor(async () => ((await watchState(page))?.state === 'live' ? true : undefined), {
      what: 'the watch page live',
      timeoutMs: 20_000,
    });
    await framesGrowBeyond(page, 10);
    return page;
  }

  async function framesGrowBeyond(page: Page, count: number): Promise<number> {
    return waitFor(
      async () => {
        const frames = await framesDecoded(page);
        return frames > count ? frames : undefined;
      },
      { what: `more than ${count} decoded frames in the watch page`, timeoutMs: 20_000 },
    );
  }

  /** The keynote stage's peers on the node's signaling, the speaker's among them. */
  function stagePeers(): { role: string; participantId: string; peerId: string; attached: boolean }[] {
    return stagecast()
      .node.signaling.peers.all()
      .filter((peer) => peer.stageKey === STAGE_KEY)
      .map((peer) => ({
        role: peer.principal.role,
        participantId: peer.principal.id,
        peerId: peer.peerId,
        attached: peer.socket !== null,
      }));
  }

  it('the speak page says it reconnects after its socket drops, comes back publishing the same producers, and the viewer decodes on', async () => {
    const speaker = await speakerOnAir();
    const viewer = await viewerLive();

    await recordStatusTexts(speaker.page);
    await dropSignaling(speaker.page);
    const shown = await waitFor(
      async () => {
        const texts = await statusTexts(speaker.page);
        const reconnecting = texts.indexOf('Reconnecting…');
        return reconnecting >= 0 && texts.indexOf('On air', reconnecting) > reconnecting ? texts : undefined;
      },
      { what: 'the speak page showing Reconnecting… and then On air', timeoutMs: 20_000 },
    );
    assert.equal(shown.at(-1), 'On air', `status texts: ${JSON.stringify(shown)}`);
    const after = await speakState(speaker.page);
    assert.deepEqual(after?.producerIds, speaker.producerIds, 'the session was resumed: the same producers publish');

    const frames = await framesDecoded(viewer);
    await framesGrowBeyond(viewer, frames);
    assert.equal((await watchState(viewer))?.state, 'live');
  });

  it('a speak page away longer than the grace period joins afresh and publishes again; no ghost peer is left on the stage', async () => {
    const speaker = await speakerOnAir();
    const viewer = await viewerLive();
    const before = stagePeers();
    const speakerPeer = before.find((p) => p.role === 'speaker');
    assert.ok(speakerPeer, `the speaker has a peer on the stage: ${JSON.stringify(before)}`);

    // The network goes away: the socket drops, and reconnecting fails until it is back.
    await speaker.context.setOffline(true);
    await dropSignaling(speaker.page);
    await waitFor(async () => !stagePeers().some((p) => p.peerId === speakerPeer.peerId), {
      what: "the node closing the speaker's parked peer once the grace period is over",
      timeoutMs: RECONNECT_GRACE_MS + 15_000,
    });
    await waitFor(async () => ((await watchState(viewer))?.state === 'no-source' ? true : undefined), {
      what: 'the watch page showing that nothing is on air',
      timeoutMs: 15_000,
    });

    await speaker.context.setOffline(false);
    const republished = await waitFor(
      async () => {
        const state = await speakState(speaker.page);
        const fresh = state?.producerIds.length === 2 && state.producerIds.every((id) => !speaker.producerIds.includes(id));
        return state?.state === 'on-air' && fresh ? state.producerIds : undefined;
      },
      { what: 'the speak page on air again with new producers', timeoutMs: 30_000 },
    );
    assert.equal(republished.length, 2);
    await waitFor(async () => ((await watchState(viewer))?.state === 'live' ? true : undefined), {
      what: 'the watch page live again',
      timeoutMs: 20_000,
    });
    // The viewer decodes the new producer on a new consumer (its count starts again from zero).
    await framesGrowBeyond(viewer, 10);

    const peers = stagePeers();
    const speakerPeers = peers.filter((p) => p.participantId === speakerPeer.participantId);
    assert.equal(speakerPeers.length, 1, `one peer for the speaker: ${JSON.stringify(peers)}`);
    assert.notEqual(speakerPeers[0].peerId, speakerPeer.peerId, 'a fresh join, not the old peer');
    assert.ok(
      peers.every((p) => p.attached),
      `every peer of the stage has a connection: ${JSON.stringify(peers)}`,
    );
    assert.equal(peers.length, 2, `the speaker and the viewer, nobody else: ${JSON.stringify(peers)}`);
    assert.equal(stagecast().node.media.existingStage(STAGE_KEY)?.peerCount, 2, 'the stage media holds the same two peers');
  });

  it('a viewer whose downlink is capped gets the lowest simulcast layer, and the top one once the cap is lifted', async function () {
    // Bandwidth estimation climbs to the top layer in steps, slowly on a busy machine.
    this.timeout(150_000);
    const speaker = await speakerOnAir();
    const viewer = await viewerLive();
    const cameraWidth = await speaker.page.evaluate(
      () =>
        (globalThis as unknown as { document: { getElementById(id: string): { videoWidth: number } | null } }).document.getElementById(
          'preview',
        )?.videoWidth ?? 0,
    );
    assert.ok(cameraWidth >= 640, `the speaker's camera is wide enough for three layers: ${cameraWidth}`);

    // The viewer's consumer of the camera, and the WebRTC transport it is sent on.
    const held = consumers.find(
      ({ consumer, transport }) =>
        consumer.type === 'simulcast' && !consumer.closed && (transport.appData as { direction?: string }).direction === 'recv',
    );
    assert.ok(held, "the viewer's simulcast consumer of the camera");
    const { consumer, transport } = held;
    // The camera's producer on the stage's origin: which of its simulcast layers the browser sends now.
    const origin = producers.find((p) => p.id === consumer.producerId && !p.closed);
    assert.ok(origin?.type === 'simulcast', "the speaker's simulcast camera producer");
    const layersSent = async (): Promise<number> => (await origin.getStats()).filter((stream) => stream.bitrate > 0).length;

    // A downlink of 110 kbit/s: room for the lowest layer only (sent at up to 150 kbit/s; the next at up to 500).
    // Not the start estimate itself: the worker ignores an estimate equal to its start value (libwebrtc repeats
    // that value whatever the network), so a cap of exactly 100 kbit/s was sometimes never applied.
    await transport.setMaxOutgoingBitrate(DOWNLINK_CAP);
    const low = await waitFor(
      async () => {
        const spatial = consumer.currentLayers?.spatialLayer;
        if (spatial !== 0) throw new Error(`the consumer forwards spatial layer ${spatial}`);
        const picture = await programPicture(viewer);
        if (picture.width === 0 || picture.width > cameraWidth / 2) throw new Error(`the page decodes ${picture.width}×${picture.height}`);
        return picture;
      },
      { what: 'spatial layer 0 forwarded and decoded at half the camera width or less', timeoutMs: 30_000 },
    );

    // Lifted: the top layer the camera sends (the third, unless the browser dropped it to spare its CPU).
    await transport.setMaxOutgoingBitrate(20_000_000);
    const high = await waitFor(
      async () => {
        const top = (await layersSent()) - 1;
        if (top < 1) throw new Error(`the camera sends ${top + 1} layer(s)`);
        const spatial = consumer.currentLayers?.spatialLayer;
        if (spatial !== top) throw new Error(`the consumer forwards spatial layer ${spatial}, the camera's top is ${top}`);
        const picture = await programPicture(viewer);
        if (picture.width <= low.width) throw new Error(`the page still decodes ${picture.width}×${picture.height}`);
        return picture;
      },
      { what: "the camera's top spatial layer forwarded and decoded larger than layer 0", timeoutMs: 60_000 },
    );
    assert.ok(high.width > low.width && high.height > low.height, `${low.width}×${low.height} then ${high.width}×${high.height}`);
  });
});
