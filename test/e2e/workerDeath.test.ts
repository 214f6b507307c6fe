import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { StageMediaView } from '../../server/http/routes/media';
import type { AlertRecord } from '../../server/store/records';
import {
  collectPageLog,
  framesDecoded,
  launchChromium,
  newMediaContext,
  pageDiagnostics,
  speakState,
  watchState,
} from '../helpers/browser';
import { waitFor, workerPids } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { type IngestProcess, startIngest } from './ingestProcess';

async function get<T>(server: ServerProcess, path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokenFor('ops')}` } });
  assert.equal(res.status, 200, `GET ${path}: ${res.status}`);
  return (await res.json()) as T;
}

describe('a mediasoup worker killed mid-stream', function () {
  this.timeout(90_000);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let ingest: IngestProcess | undefined;
  const pages: Page[] = [];
  const logs: string[][] = [];
  const teardown = new Teardown();

  before(async function () {
    this.timeout(40_000);
    server = teardown.own(
      'the server',
      await startServer({
        RTC_LISTEN_IP: '127.0.0.1',
        ANNOUNCED_IP: '127.0.0.1',
        MEDIASOUP_NUM_WORKERS: '2',
        HEALTH_SAMPLE_INTERVAL_MS: '500',
        ALERT_CLEAR_AFTER_MS: '0',
      }),
      (s) => s.dispose(),
    );
    browser = teardown.own('chromium', await launchChromium(), (b) => b.close());
    ingest = teardown.own('the ingest script', startIngest(server.url, 'demo/keynote'), (i) => i.stop());
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const page of pages) console.log(await pageDiagnostics(page));
    console.log(logs.flat().join('\n'));
    console.log(`--- ingest ---\n${ingest?.output()}`);
    console.log(`--- server (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  function running(): ServerProcess {
    assert.ok(server, 'the server runs');
    return server;
  }

  async function open(path: string, name: string): Promise<Page> {
    assert.ok(browser);
    const context = teardown.own(`the ${name} page's context`, await newMediaContext(browser, running().url), (c) => c.close());
    const page = await context.newPage();
    pages.push(page);
    logs.push(collectPageLog(page, name));
    await page.goto(`${running().url}${path}`);
    return page;
  }

  /** Waits until the page joined a new session and decodes frames again. */
  async function playsAgain(page: Page, peerBefore: string | null): Promise<void> {
    let framesOnRejoin: number | null = null;
    await waitFor(
      async () => {
        const state = await watchState(page);
        if (!state?.peerId || state.peerId === peerBefore) return undefined;
        const frames = await framesDecoded(page);
        framesOnRejoin ??= frames;
        return frames > framesOnRejoin + 5 ? true : undefined;
      },
      30_000,
      'the page joined anew and decoding frames again after the worker died',
    );
  }

  /** A watch page of its own, once it decodes frames. */
  async function watching(name: string): Promise<Page> {
    const page = await open('/watch/demo/keynote', name);
    await waitFor(async () => (await framesDecoded(page)) > 10, { what: `frames decoded on the ${name} page`, timeoutMs: 30_000 });
    return page;
  }

  /** How often the ingest script has said it re-targets. */
  function retargets(script: IngestProcess): number {
    return script.output().match(/re-targeting/g)?.length ?? 0;
  }

  function kill(pid: number): void {
    assert.ok(workerPids(running().child.pid ?? -1).includes(pid), `pid ${pid} is one of the server's workers`);
    process.kill(pid, 'SIGKILL');
  }

  it("the viewers' worker: the pool replaces it, the page joins again by itself and plays; an alert is raised and cleared", async () => {
    const page = await watching('watch');
    const media = await get<StageMediaView>(running(), '/api/events/demo/stages/keynote/media');
    const viewersWorker = media.distributionRouters[0]?.workerPid;
    assert.ok(
      viewersWorker && viewersWorker !== media.origin.workerPid,
      'the viewer consumes on a distribution router away from the origin',
    );
    const peerBefore = (await watchState(page))?.peerId ?? null;

    kill(viewersWorker);
    await playsAgain(page, peerBefore);
    await waitFor(
      async () => {
        const workers = workerPids(running().child.pid ?? -1);
        return workers.length === 2 && !workers.includes(viewersWorker);
      },
      { what: 'the pool replacing the killed worker with a new process', timeoutMs: 15_000 },
    );

    // The alert of this worker (its pid), raised and then cleared.
    const died = await waitFor(
      async () =>
        (await get<AlertRecord[]>(running(), '/api/health/alerts?state=all')).find(
          (a) => a.rule === 'worker_died' && a.value === viewersWorker,
        ),
      { what: `a worker_died alert for pid ${viewersWorker}`, timeoutMs: 10_000 },
    );
    await waitFor(
      async () => (await get<AlertRecord[]>(running(), '/api/health/alerts?state=all')).find((a) => a.id === died.id)?.clearedAt,
      { what: 'the worker_died alert cleared once the worker was replaced', timeoutMs: 15_000 },
    );
  });

  it("the origin's worker: the stage is rebuilt, the ingest script re-targets, the speaker's page republishes and the viewer plays again", async () => {
    const viewer = await watching('viewer');
    const token = tokenFor('speaker', 'demo', 'Speaker');
    const speaker = await open(`/speak/demo/keynote?token=${encodeURIComponent(token)}`, 'speak');
    await waitFor(async () => ((await speakState(speaker))?.state === 'on-air' ? true : undefined), 20_000, 'the speaker on air');
    const producersBefore = (await speakState(speaker))?.producerIds ?? [];
    const media = await get<StageMediaView>(running(), '/api/events/demo/stages/keynote/media');
    const peerBefore = (await watchState(viewer))?.peerId ?? null;
    const script = ingest;
    assert.ok(script, 'the ingest script runs');
    const retargetsBefore = retargets(script);

    kill(media.origin.workerPid);
    await playsAgain(viewer, peerBefore);
    await waitFor(
      async () => {
        const state = await speakState(speaker);
        return state?.state === 'on-air' && state.producerIds.length > 0 && !state.producerIds.some((id) => producersBefore.includes(id))
          ? true
          : undefined;
      },
      15_000,
      'the speaker page republished on its own',
    );
    await waitFor(
      async () => {
        const rebuilt = await get<StageMediaView>(running(), '/api/events/demo/stages/keynote/media');
        const ids = (rebuilt.sources as { id: string }[]).map((s) => s.id);
        return ids.includes('onsite') && ids.some((id) => id.startsWith('camera:')) ? true : undefined;
      },
      15_000,
      'both sources back on the rebuilt stage',
    );
    await waitFor(async () => retargets(script) > retargetsBefore, { what: 'the ingest script re-targeting by itself', timeoutMs: 10_000 });
  });
});
