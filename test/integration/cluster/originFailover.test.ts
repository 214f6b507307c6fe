import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import { type IngestProcess, startIngest } from '../../e2e/ingestProcess';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchPlacement } from '../../helpers/browser';
import { call, nodeIds, ok, stageMedia, startClusterNode, stopNodes } from '../../helpers/cluster';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';

describe('the origin node of a stage dies', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let ingest: IngestProcess | undefined;
  let pageLog: string[] = [];

  before(async function () {
    this.timeout(60_000);
    redis = await RedisServer.start();
    a = await startClusterNode(redis, 'origin-a', 2);
    b = await startClusterNode(redis, 'edge-b', 3);
    browser = await launchChromium();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of context?.pages() ?? []) console.log(await pageDiagnostics(page));
    console.log(pageLog.join('\n'));
    console.log(`--- ingest ---\n${ingest?.output()}`);
    console.log(`--- node b (tail) ---\n${b?.output().split('\n').slice(-30).join('\n')}`);
  });

  after(async function () {
    this.timeout(30_000);
    await ingest?.stop();
    await context?.close();
    await browser?.close();
    await stopNodes([a, b]);
    await redis?.stop();
  });

  it('the ingest script re-targets to the node the API names, viewers on the edge play again, and nothing stored is lost', async () => {
    assert.ok(a && b && browser);
    const [nodeA, nodeB] = [a, b];
    await waitFor(async () => ((await nodeIds(nodeB)).length === 2 ? true : undefined), 10_000, 'both nodes registered');
    // The script knows both nodes' API; it opens the feed through the first, which becomes the origin.
    ingest = startIngest(`${a.url},${b.url}`, 'demo/keynote');
    await waitFor(async () => ((await stageMedia(nodeA))?.sources.length === 1 ? true : undefined), 20_000, 'the feed live on A');
    const question = await ok<{ id: string }>(
      call(a, 'POST', '/api/events/demo/sessions', 'host', {
        stageId: 'keynote',
        title: 'Before the crash',
        kind: 'keynote',
        speakerIds: [],
        plannedStart: '2031-01-01T09:00:00Z',
        plannedEnd: '2031-01-01T10:00:00Z',
      }),
    );

    context = await newMediaContext(browser, b.url);
    const page = await context.newPage();
    pageLog = collectPageLog(page, 'watch');
    await page.goto(`${b.url}/watch/demo/keynote`);
    await waitFor(async () => ((await framesDecoded(page)) > 10 ? true : undefined), 20_000, 'frames on the edge');
    assert.equal((await watchPlacement(page))?.nodeUrl, b.url);

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor(async () => ((await stageMedia(nodeB))?.cluster.role === 'origin' ? true : undefined), 15_000, 'B took over as origin');
    assert.match(ingest.output(), /re-targeting/, 'the script noticed and re-targeted');
    const atTakeover = await framesDecoded(page);
    await waitFor(
      async () => ((await framesDecoded(page)) > atTakeover + 10 ? true : undefined),
      15_000,
      'frames again from the new origin',
    );
    console.log(`      origin A killed → B is origin and the viewer plays again after ${Date.now() - killedAt} ms`);
    assert.deepEqual(await nodeIds(b), ['edge-b']);
    const kept = await call<{ title: string }>(b, 'GET', `/api/events/demo/sessions/${question.id}`, 'host');
    assert.equal(kept.body.title, 'Before the crash', 'what A stored is still there');
  });
});
