import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { spawnFfmpegIngest, type IngestTargetDto } from '../../../scripts/ffmpegIngest';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import type { QuestionView } from '../../../server/conference/ConferenceBus';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchPlacement } from '../../helpers/browser';
import { call, nodeIds, ok, stageMedia, startClusterNode, stopNodes } from '../../helpers/cluster';
import { waitFor } from '../../helpers/net';
import { publishCamera } from '../../helpers/publisher';
import { RedisServer } from '../../helpers/redis';
import { connect, request, tokenFor, type ClientSocket } from '../../helpers/stagecast';

const STAGE = '/api/events/demo/stages/keynote';

describe('a cluster of nodes sharing one Redis', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let c: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const encoders: ChildProcess[] = [];
  const sockets: ClientSocket[] = [];
  let pageLog: string[] = [];

  before(async function () {
    this.timeout(60_000);
    redis = await RedisServer.start();
    // One after the other: the first seeds the demo event into the shared store, the second finds it.
    a = await startClusterNode(redis, 'node-a', 0);
    b = await startClusterNode(redis, 'node-b', 1);
    browser = await launchChromium();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of context?.pages() ?? []) console.log(await pageDiagnostics(page));
    console.log(pageLog.join('\n'));
    for (const [name, node] of [
      ['a', a],
      ['b', b],
    ] as const)
      console.log(`--- node ${name} (tail) ---\n${node?.output().split('\n').slice(-30).join('\n')}`);
  });

  after(async function () {
    this.timeout(30_000);
    for (const socket of sockets) socket.disconnect();
    for (const encoder of encoders) encoder.kill('SIGKILL');
    await context?.close();
    await browser?.close();
    await stopNodes([a, b, c]);
    await redis?.stop();
  });

  function nodes(): { a: ServerProcess; b: ServerProcess } {
    assert.ok(a && b, 'both nodes run');
    return { a, b };
  }

  async function feed(node: ServerProcess, body: object): Promise<void> {
    const target = await ok<IngestTargetDto>(call(node, 'POST', `${STAGE}/ingest`, 'host', { videoCodec: 'VP8', ...body }));
    encoders.push(spawnFfmpegIngest(target, { size: '320x180', keyframeInterval: 15 }));
  }

  it('registers both nodes, each seeing the other', async () => {
    const { a, b } = nodes();
    await waitFor(
      async () => ((await nodeIds(a)).length === 2 && (await nodeIds(b)).length === 2 ? true : undefined),
      10_000,
      'both nodes registered',
    );
    assert.deepEqual(await nodeIds(b), ['node-a', 'node-b']);
  });

  it("pipes the stage fed on node A to a viewer joined on node B, and closes the pipe when B's last viewer leaves", async () => {
    const { a, b } = nodes();
    // Two hall feeds enter node A, which becomes the stage's origin.
    await feed(a, {});
    await feed(a, { feed: 'cam2', label: 'Second camera' });
    await waitFor(async () => ((await stageMedia(a))?.sources.length === 2 ? true : undefined), 10_000, 'both feeds live on A');

    const viewer = await connect(b.url, tokenFor('attendee', 'demo', 'Viewer on B'));
    sockets.push(viewer);
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
    await waitFor(async () => ((await stageMedia(a))?.cluster.edges.length === 0 ? true : undefined), 10_000, 'the pipe to B closed');
    assert.equal(await stageMedia(b), null, 'B closed its copy of the stage');
  });

  it('an attendee whose raised hand is accepted publishes on edge B: the origin A pulls it, it can go on air, and a lowering made through A takes it off', async () => {
    const { a, b } = nodes();
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
    const attendee = await connect(b.url, tokenFor('attendee', 'demo', 'Hand on B'));
    sockets.push(attendee);
    const hand = await request(attendee, 'raiseHand', { sessionId: session.id });
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/hands/${hand.id}/answer`, 'moderator', { action: 'accept' }));

    const published = await publishCamera(attendee);
    const sourceId = `camera:${hand.participantId}`;
    const onOrigin = await waitFor(
      async () => (await stageMedia(a))?.sources.find((s) => s.id === sourceId && s.producers.length === 2),
      10_000,
      'the hand pulled to the origin',
    );
    assert.deepEqual(
      onOrigin.producers.map((p) => p.producerId).sort(),
      [published.audioId, published.videoId].sort(),
      'the origin holds it under the same producer ids',
    );
    await ok(call(a, 'PUT', `${STAGE}/program`, 'host', { sourceId }));

    // Lowered through A's API: node B, where the attendee publishes, hears of it and closes the camera.
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/hands/${hand.id}/answer`, 'moderator', { action: 'lower' }));
    await waitFor(
      async () => ((await stageMedia(a))?.sources.some((s) => s.id === sourceId) ? undefined : true),
      10_000,
      'the lowered hand left the origin',
    );
    await request(attendee, 'leave', {});
    await ok(call(a, 'PUT', `${STAGE}/program`, 'host', { sourceId: 'onsite' }));
    await ok(call(a, 'POST', `/api/events/demo/sessions/${session.id}/end`, 'host'));
  });

  it('plays the stage in Chromium on node B, follows a program switch made on node A, and carries Q&A both ways', async () => {
    const { a, b } = nodes();
    assert.ok(browser);
    context = await newMediaContext(browser, a.url);
    const page = await context.newPage();
    pageLog = collectPageLog(page, 'watch');
    // The page comes from A; placement sends its signaling to B (A is the origin, so the busier node).
    await page.goto(`${a.url}/watch/demo/keynote`);
    await waitFor(async () => ((await framesDecoded(page)) > 10 ? true : undefined), 20_000, 'frames decoded on the page');
    assert.equal((await watchPlacement(page))?.nodeUrl, b.url, 'the page is connected to node B');

    await ok(call(a, 'PUT', `${STAGE}/program`, 'host', { sourceId: 'onsite-cam2' }));
    await waitFor(
      async () => ((await watchPlacement(page))?.programSourceId === 'onsite-cam2' ? true : undefined),
      10_000,
      'the switch reached the page',
    );
    const atSwitch = await framesDecoded(page);
    await waitFor(async () => ((await framesDecoded(page)) > atSwitch + 10 ? true : undefined), 10_000, 'frames of the new program');

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
    const attendee = await connect(a.url, tokenFor('attendee', 'demo', 'Attendee on A'));
    sockets.push(attendee);
    await request(attendee, 'subscribeSession', { sessionId: session.id });
    const question = await ok<QuestionView>(
      call(b, 'POST', `/api/events/demo/sessions/${session.id}/questions`, 'attendee', { text: 'Does it scale?' }),
    );
    const heard = new Promise<QuestionView>((resolve) =>
      attendee.on('questionUpdated', (q) => q.id === question.id && q.status === 'approved' && resolve(q)),
    );
    await ok(
      call(b, 'POST', `/api/events/demo/sessions/${session.id}/questions/${question.id}/moderate`, 'moderator', { action: 'approve' }),
    );
    const approved = await Promise.race([heard, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    assert.equal(approved?.text, 'Does it scale?', 'the approval made on B reached the attendee on A');
  });

  it('moves the page to node A within 10 s when node B is killed, and the registry drops B', async () => {
    const { a, b } = nodes();
    const page = context?.pages()[0] as Page;
    assert.ok(page, 'the watch page of the previous test is open');
    const killedAt = Date.now();
    b.child.kill('SIGKILL');
    await b.exited;
    // Frames counted from the first moment the page is on A: the new receiver's count starts afresh.
    let framesOnArrival: number | null = null;
    await waitFor(
      async () => {
        if ((await watchPlacement(page))?.nodeUrl !== a.url) return undefined;
        const frames = await framesDecoded(page);
        framesOnArrival ??= frames;
        return frames > framesOnArrival + 5 ? true : undefined;
      },
      10_000,
      'the page playing on node A within 10 s of the kill',
    );
    const recoveredMs = Date.now() - killedAt;
    await waitFor(async () => ((await nodeIds(a)).join() === 'node-a' ? true : undefined), 10_000, 'B dropped from the registry');
    console.log(
      `      node B killed → page playing on node A again after ${recoveredMs} ms; registry without B after ${Date.now() - killedAt} ms`,
    );
  });

  it('SIGTERM on a node tells its viewers to move to another node, and the page goes there', async () => {
    const { a } = nodes();
    assert.ok(redis);
    c = await startClusterNode(redis, 'node-c', 4);
    const nodeC = c;
    await waitFor(async () => ((await nodeIds(a)).includes('node-c') ? true : undefined), 10_000, 'node C registered');
    const page = context?.pages()[0] as Page;
    const notice = new Promise<{ alternateUrl: string | null }>((resolve) => {
      const viewer = connect(a.url, tokenFor('attendee', 'demo', 'Drained viewer'));
      void viewer.then((socket) => {
        sockets.push(socket);
        socket.on('draining', resolve);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    a.child.kill('SIGTERM');
    assert.equal((await notice).alternateUrl, nodeC.url, 'the drain names node C');
    await waitFor(async () => ((await watchPlacement(page))?.nodeUrl === nodeC.url ? true : undefined), 10_000, 'the page moved to node C');
    const exit = await a.exited;
    assert.equal(exit.code, 0, 'node A drained and exited cleanly');
  });
});
