import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { IngestTargetDto } from '../../../scripts/ffmpegIngest';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import type { ProgramChange, QuestionView } from '../../../server/conference/ConferenceBus';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchPlacement } from '../../helpers/browser';
import { call, nodeIds, ok, stageMedia, startClusterNode } from '../../helpers/cluster';
import { startEncoder } from '../../helpers/encoder';
import { waitFor } from '../../helpers/net';
import { publishCamera } from '../../helpers/publisher';
import { RedisServer } from '../../helpers/redis';
import { settleWithin } from '../../../scripts/lib/wait';
import { connect, rawRequest, request, tokenFor, type ClientSocket } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { playerOffer } from '../../helpers/whepOffers';

const STAGE = '/api/events/demo/stages/keynote';

// Each test sets up what it relies on beyond the file's fixtures (Redis, nodes A and B, the two hall
// feeds on A, one Chromium): it puts its own program on air and opens its own pages and sockets.
describe('a cluster of nodes sharing one Redis', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let a: ServerProcess;
  let b: ServerProcess;
  let browser: Browser;
  const fileTeardown = new Teardown();
  /** What one test opened (pages, sockets, a third node): undone after each test. */
  const testTeardown = new Teardown();
  const pages: { page: Page; log: string[] }[] = [];

  before(async function () {
    this.timeout(90_000);
    redis = fileTeardown.own('redis', await RedisServer.start(), (r) => r.stop());
    // One after the other: the first seeds the demo event into the shared store, the second finds it.
    a = fileTeardown.own('node a', await startClusterNode(redis, 'node-a'), (node) => node.dispose());
    b = fileTeardown.own('node b', await startClusterNode(redis, 'node-b'), (node) => node.dispose());
    browser = fileTeardown.own('chromium', await launchChromium(), (chromium) => chromium.close());
    // Two hall feeds enter node A, which becomes the stage's origin.
    for (const body of [{}, { feed: 'cam2', label: 'Second camera' }]) {
      const target = await ok<IngestTargetDto>(call(a, 'POST', `${STAGE}/ingest`, 'host', { videoCodec: 'VP8', ...body }));
      const encoder = startEncoder(target, { size: '320x180', keyframeInterval: 15 });
      fileTeardown.add('an ffmpeg feed', () => encoder.stop());
    }
    await waitFor(async () => (await stageMedia(a))?.sources.length === 2, { what: 'both feeds live on A', timeoutMs: 20_000 });
    await waitFor(async () => (await nodeIds(b)).length === 2, { what: 'B seeing both nodes', timeoutMs: 10_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const { page, log } of pages) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
      for (const [name, node] of [
        ['a', a],
        ['b', b],
      ] as const)
        console.log(`--- node ${name} (tail) ---\n${node?.output().split('\n').slice(-30).join('\n')}`);
    }
    pages.length = 0;
    await testTeardown.run();
  });

  after(async function () {
    this.timeout(60_000);
    await fileTeardown.run();
  });

  /** An attendee's socket, which leaves (its media is closed at once, not parked) and disconnects after the test. */
  async function socket(node: ServerProcess, name: string): Promise<ClientSocket> {
    return testTeardown.own(`socket ${name}`, await connect(node.url, tokenFor('attendee', 'demo', name)), async (s) => {
      if (s.connected) await settleWithin(rawRequest(s, 'leave', {}), 2000, null);
      s.disconnect();
    });
  }

  /** The watch page loaded from `via`, in a browser context of its own, once it decodes frames. */
  async function watchPage(via: ServerProcess): Promise<Page> {
    const context = testTeardown.own('a browser context', await newMediaContext(browser, via.url), (c) => c.close());
    const page = await context.newPage();
    pages.push({ page, log: collectPageLog(page, 'watch') });
    await page.goto(`${via.url}/watch/demo/keynote`);
    await waitFor(async () => (await framesDecoded(page)) > 10, { what: 'frames decoded on the watch page', timeoutMs: 30_000 });
    return page;
  }

  /** Waits until the page is connected to `node` and decodes frames there (counted from its arrival). */
  async function playingOn(page: Page, node: ServerProcess, what: string): Promise<void> {
    let framesOnArrival: number | null = null;
    await waitFor(
      async () => {
        const placement = await watchPlacement(page);
        if (placement?.nodeUrl !== node.url) throw new Error(`the page is on ${placement?.nodeUrl ?? 'no node'}`);
        const frames = await framesDecoded(page);
        // The new receiver's count starts afresh.
        framesOnArrival ??= frames;
        return frames > framesOnArrival + 5;
      },
      { what, timeoutMs: 30_000 },
    );
  }

  async function putOnAir(sourceId: string): Promise<void> {
    await ok(call(a, 'PUT', `${STAGE}/program`, 'host', { sourceId }));
  }

  it('registers both nodes, each seeing the other', async () => {
    await waitFor(async () => (await nodeIds(a)).length === 2 && (await nodeIds(b)).length === 2, {
      what: 'both nodes registered',
      timeoutMs: 10_000,
    });
    assert.deepEqual(await nodeIds(a), ['node-a', 'node-b']);
    assert.deepEqual(await nodeIds(b), ['node-a', 'node-b']);
  });

  it("pipes the stage fed on node A to a viewer joined on node B, and closes the pipe when B's last viewer leaves", async () => {
    const viewer = await socket(b, 'Viewer on B');
    const joined = await request(viewer, 'join', { stageId: 'keynote' });
    assert.deepEqual(joined.sources.map((s) => s.id).sort(), ['onsite', 'onsite-cam2'], 'the join on B lists the sources that live on A');

    const onA = await stageMedia(a);
    assert.equal(onA?.cluster.role, 'origin');
    assert.deepEqual(
      onA?.cluster.edges.map((e) => [e.edgeNodeId, e.producers.length]),
      [['node-b', 4]],
      'one pipe to B carries the 4 producers',
    );
    const onB = await stageMedia(b);
    assert.equal(onB?.cluster.role, 'edge');
    assert.equal(onB?.cluster.originNodeId, 'node-a');
    const originProducers = onA?.sources.flatMap((s) => s.producers.map((p) => p.producerId)).sort();
    assert.deepEqual(
      onB?.sources.flatMap((s) => s.producers.map((p) => p.producerId)).sort(),
      originProducers,
      "B serves the origin's producers under their ids",
    );

    await request(viewer, 'leave', {});
    await waitFor(async () => (await stageMedia(a))?.cluster.edges.length === 0, { what: 'the pipe to B closed', timeoutMs: 10_000 });
    assert.equal(await stageMedia(b), null, 'B closed its copy of the stage');
  });

  it("plays the stage to a WHEP player on edge B from the origin's feeds; the player holds B's copy while viewers come and go", async () => {
    await waitFor(async () => (await stageMedia(b)) === null, { what: 'B without a copy of the stage at first', timeoutMs: 10_000 });
    const res = await fetch(`${b.url}/whep/demo/keynote`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: playerOffer(),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const location = res.headers.get('location') ?? '';
    const onB = await waitFor(
      async () => {
        const view = await stageMedia(b);
        return view?.sources.length === 2 ? view : undefined;
      },
      { what: "the origin's two feeds on edge B", timeoutMs: 10_000 },
    );
    assert.equal(onB.cluster.role, 'edge');
    assert.deepEqual(
      (await stageMedia(a))?.cluster.edges.map((e) => e.edgeNodeId),
      ['node-b'],
      'A pipes the stage to B for the player',
    );

    // A viewer joins B and leaves: B's last signaling peer, but the player still plays there.
    const viewer = await socket(b, 'Passing viewer on B');
    await request(viewer, 'join', { stageId: 'keynote' });
    await request(viewer, 'leave', {});
    assert.notEqual(await stageMedia(b), null, 'B kept its copy for the player');
    assert.equal((await fetch(`${b.url}${location}`, { method: 'DELETE' })).status, 200, 'the player session was still there');
    await waitFor(async () => (await stageMedia(a))?.cluster.edges.length === 0, {
      what: 'the pipe to B closed with its last player',
      timeoutMs: 10_000,
    });
    assert.equal(await stageMedia(b), null, 'B closed its copy of the stage');
  });

  it('an attendee whose raised hand is accepted publishes on edge B: the origin A pulls it, it goes on air for viewers on both nodes, and a lowering made through A takes it off', async () => {
    await putOnAir('onsite');
    const session = await ok<{ id: string }>(
      call(a, 'POST', '/api/events/demo/sessions', 'host', {
        stageId: 'keynote',
        title: 'Open floor',
        kind: 'panel',
        speakerIds: [],
        plannedStart: '2030-01-01T09:00:00Z',
        plannedEnd: '2030-01-01T10:00:00Z',
      }),
    );
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/start`, 'host'));
    testTeardown.add('the session ended', () => ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/end`, 'host')));
    const attendee = await socket(b, 'Hand on B');
    const hand = await request(attendee, 'raiseHand', { sessionId: session.id });
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/hands/${hand.id}/answer`, 'moderator', { action: 'accept' }));

    const published = await publishCamera(attendee);
    const sourceId = `camera:${hand.participantId}`;
    const onOrigin = await waitFor(async () => (await stageMedia(a))?.sources.find((s) => s.id === sourceId && s.producers.length === 2), {
      what: 'the hand pulled to the origin',
      timeoutMs: 10_000,
    });
    assert.deepEqual(
      onOrigin.producers.map((p) => p.producerId).sort(),
      [published.audioId, published.videoId].sort(),
      'the origin holds it under the same producer ids',
    );

    // On air: viewers joined on A and on B are told, and both nodes answer it as the program.
    const heard = new Map<string, ProgramChange[]>();
    for (const [name, node] of [
      ['A', a],
      ['B', b],
    ] as const) {
      const viewer = await socket(node, `Viewer on ${name}`);
      const changes: ProgramChange[] = [];
      heard.set(name, changes);
      viewer.on('programChanged', (change) => changes.push(change));
      assert.equal((await request(viewer, 'join', { stageId: 'keynote' })).program.sourceId, 'onsite');
    }
    await putOnAir(sourceId);
    await waitFor(async () => [...heard.values()].every((changes) => changes.some((c) => c.sourceId === sourceId)), {
      what: `programChanged to ${sourceId} heard by the viewers on A and on B`,
      timeoutMs: 10_000,
    });
    for (const node of [a, b]) {
      const program = await ok<ProgramChange>(call(node, 'GET', `${STAGE}/program`, 'attendee'));
      assert.equal(program.sourceId, sourceId, `the program as ${node.url} answers it`);
    }

    // Lowered through A's API: node B, where the attendee publishes, hears of it and closes the camera.
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/hands/${hand.id}/answer`, 'moderator', { action: 'lower' }));
    await waitFor(async () => !(await stageMedia(a))?.sources.some((s) => s.id === sourceId), {
      what: 'the lowered hand gone from the origin',
      timeoutMs: 10_000,
    });
  });

  it('plays the stage in Chromium on node B, follows a program switch made on node A, and carries Q&A both ways', async () => {
    await putOnAir('onsite');
    // The page comes from A; placement sends its signaling to B (A is the origin, so the busier node).
    const page = await watchPage(a);
    assert.equal((await watchPlacement(page))?.nodeUrl, b.url, 'the page is connected to node B');

    await putOnAir('onsite-cam2');
    await waitFor(async () => (await watchPlacement(page))?.programSourceId === 'onsite-cam2', {
      what: 'the switch made on A reaching the page on B',
      timeoutMs: 10_000,
    });
    const atSwitch = await framesDecoded(page);
    await waitFor(async () => (await framesDecoded(page)) > atSwitch + 10, { what: 'frames of the new program', timeoutMs: 10_000 });

    // Q&A: an attendee connected to A hears of a question a moderator approves through B.
    const session = await ok<{ id: string }>(
      call(a, 'POST', '/api/events/demo/sessions', 'host', {
        stageId: 'keynote',
        title: 'Cluster keynote',
        kind: 'keynote',
        speakerIds: [],
        plannedStart: '2031-01-01T09:00:00Z',
        plannedEnd: '2031-01-01T10:00:00Z',
      }),
    );
    const attendee = await socket(a, 'Attendee on A');
    const updates: QuestionView[] = [];
    attendee.on('questionUpdated', (q) => updates.push(q));
    await request(attendee, 'subscribeSession', { sessionId: session.id });
    const question = await ok<QuestionView>(
      call(b, 'POST', `/api/events/demo/sessions/${session.id}/questions`, 'attendee', { text: 'Does it scale?' }),
    );
    await ok(
      call(b, 'POST', `/api/events/demo/sessions/${session.id}/questions/${question.id}/moderate`, 'moderator', { action: 'approve' }),
    );
    const approved = await waitFor(async () => updates.find((q) => q.id === question.id && q.status === 'approved'), {
      what: 'the approval made on B reaching the attendee on A',
      timeoutMs: 10_000,
    });
    assert.equal(approved.text, 'Does it scale?');
  });

  it('moves the page to node A when node B is killed, and the registry drops B', async () => {
    const page = await watchPage(a);
    await playingOn(page, b, 'the page playing on node B before the kill');
    b.child.kill('SIGKILL');
    await b.exited;
    await playingOn(page, a, 'the page playing on node A after B was killed');
    await waitFor(async () => (await nodeIds(a)).join() === 'node-a', { what: 'B dropped from the registry', timeoutMs: 10_000 });
  });

  it('SIGTERM on a node tells its viewers to move to another node, and the page goes there', async () => {
    // Only A serves viewers at first (B is stopped if it still runs), so the page lands on A.
    if (b.child.exitCode === null && b.child.signalCode === null) await b.stop();
    await waitFor(async () => (await nodeIds(a)).join() === 'node-a', { what: 'A alone in the registry', timeoutMs: 10_000 });
    const page = await watchPage(a);
    await playingOn(page, a, 'the page playing on node A');

    const c = testTeardown.own('node c', await startClusterNode(redis, 'node-c'), (node) => node.dispose());
    await waitFor(async () => (await nodeIds(a)).includes('node-c'), { what: 'node C registered', timeoutMs: 10_000 });
    const viewer = await socket(a, 'Drained viewer');
    const notices: { alternateUrl: string | null }[] = [];
    viewer.on('draining', (notice) => notices.push(notice));

    a.child.kill('SIGTERM');
    const notice = await waitFor(async () => notices[0], { what: 'the draining notice on a socket connected to A', timeoutMs: 10_000 });
    assert.equal(notice.alternateUrl, c.url, 'the drain names node C');
    await playingOn(page, c, 'the page playing on node C after A drained');
    const exit = await a.exited;
    assert.equal(exit.code, 0, 'node A drained and exited cleanly');
  });
});
