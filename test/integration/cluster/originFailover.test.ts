import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import { type IngestProcess, startIngest } from '../../e2e/ingestProcess';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchPlacement } from '../../helpers/browser';
import { call, nodeIds, ok, stageMedia, startClusterNode } from '../../helpers/cluster';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

describe('the origin node of a stage dies', function () {
  this.timeout(120_000);
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let ingest: IngestProcess | undefined;
  let pageLog: string[] = [];
  const teardown = new Teardown();

  before(async function () {
    this.timeout(60_000);
    const shared = teardown.own('redis', await RedisServer.start(), (r) => r.stop());
    a = teardown.own('node a', await startClusterNode(shared, 'origin-a'), (node) => node.dispose());
    b = teardown.own('node b', await startClusterNode(shared, 'edge-b'), (node) => node.dispose());
    browser = teardown.own('chromium', await launchChromium(), (chromium) => chromium.close());
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of context?.pages() ?? []) console.log(await pageDiagnostics(page));
    console.log(pageLog.join('\n'));
    console.log(`--- ingest ---\n${ingest?.output()}`);
    console.log(`--- node b (tail) ---\n${b?.output().split('\n').slice(-30).join('\n')}`);
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  it('the ingest script re-targets to the node the API names, viewers on the edge play again, and nothing stored is lost', async () => {
    assert.ok(a && b && browser);
    const [nodeA, nodeB] = [a, b];
    await waitFor(async () => ((await nodeIds(nodeB)).length === 2 ? true : undefined), 10_000, 'both nodes registered');
    // The script knows both nodes' API; it opens the feed through the first, which becomes the origin.
    ingest = teardown.own('the ingest script', startIngest(`${a.url},${b.url}`, 'demo/keynote'), (script) => script.stop());
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

    context = teardown.own('the browser context', await newMediaContext(browser, b.url), (c) => c.close());
    const page = await context.newPage();
    pageLog = collectPageLog(page, 'watch');
    await page.goto(`${b.url}/watch/demo/keynote`);
    await waitFor(async () => ((await framesDecoded(page)) > 10 ? true : undefined), 20_000, 'frames on the edge');
    assert.equal((await watchPlacement(page))?.nodeUrl, b.url);

    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor(async () => (await stageMedia(nodeB))?.cluster.role === 'origin', { what: 'B taking over as origin', timeoutMs: 15_000 });
    const script = ingest;
    await waitFor(async () => /re-targeting/.test(script.output()), {
      what: 'the ingest script noticing and re-targeting',
      timeoutMs: 10_000,
    });
    const atTakeover = await framesDecoded(page);
    await waitFor(async () => (await framesDecoded(page)) > atTakeover + 10, {
      what: 'frames again from the new origin',
      timeoutMs: 15_000,
    });
    await waitFor(async () => (await nodeIds(nodeB)).join() === 'edge-b', { what: 'the registry without A', timeoutMs: 10_000 });
    const kept = await call<{ title: string }>(b, 'GET', `/api/events/demo/sessions/${question.id}`, 'host');
    assert.equal(kept.body.title, 'Before the crash', 'what A stored is still there');
  });
});
