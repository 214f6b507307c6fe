import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  const contexts: BrowserContext[] = [];
  const logs: string[][] = [];

  before(async function () {
    this.timeout(40_000);
    server = await startServer({
      RTC_LISTEN_IP: '127.0.0.1',
      ANNOUNCED_IP: '127.0.0.1',
      MEDIASOUP_NUM_WORKERS: '2',
      HEALTH_SAMPLE_INTERVAL_MS: '500',
      ALERT_CLEAR_AFTER_MS: '0',
    });
    browser = await launchChromium();
    ingest = startIngest(server.url, 'demo/keynote');
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const context of contexts) for (const page of context.pages()) console.log(await pageDiagnostics(page));
    console.log(logs.flat().join('\n'));
    console.log(`--- ingest ---\n${ingest?.output()}`);
    console.log(`--- server (tail) ---\n${server?.output().split('\n').slice(-40).join('\n')}`);
  });

  after(async function () {
    this.timeout(30_000);
    await ingest?.stop();
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  function running(): ServerProcess {
    assert.ok(server, 'the server runs');
    return server;
  }

  async function open(path: string, name: string): Promise<Page> {
    assert.ok(browser);
    const context = await newMediaContext(browser, running().url);
    contexts.push(context);
    const page = await context.newPage();
    logs.push(collectPageLog(page, name));
    await page.goto(`${running().url}${path}`);
    return page;
  }

  /** Waits until the page joined a new session and decodes frames again; answers how long it took. */
  async function playsAgain(page: Page, peerBefore: string | null, since: number): Promise<number> {
    let framesOnRejoin: number | null = null;
    await waitFor(
      async () => {
        const state = await watchState(page);
        if (!state?.peerId || state.peerId === peerBefore) return undefined;
        const frames = await framesDecoded(page);
        framesOnRejoin ??= frames;
        return frames > framesOnRejoin + 5 ? true : undefined;
      },
      15_000,
      'frames decoded again after the worker died',
    );
    return Date.now() - since;
  }

  function kill(pid: number): void {
    assert.ok(workerPids(running().child.pid ?? -1).includes(pid), `pid ${pid} is one of the server's workers`);
    process.kill(pid, 'SIGKILL');
  }

  it("the viewers' worker: the pool replaces it, the page joins again by itself and plays; an alert is raised and cleared", async () => {
    const page = await open('/watch/demo/keynote', 'watch');
    await waitFor(async () => ((await framesDecoded(page)) > 10 ? true : undefined), 20_000, 'frames before the kill');
    const media = await get<StageMediaView>(running(), '/api/events/demo/stages/keynote/media');
    const viewersWorker = media.distributionRouters[0]?.workerPid;
    assert.ok(
      viewersWorker && viewersWorker !== media.origin.workerPid,
      'the viewer consumes on a distribution router away from the origin',
    );
    const peerBefore = (await watchState(page))?.peerId ?? null;

    const killedAt = Date.now();
    kill(viewersWorker);
    const recoveredMs = await playsAgain(page, peerBefore, killedAt);
    console.log(`      distribution worker killed → frames again after ${recoveredMs} ms`);
    await waitFor(
      async () => (workerPids(running().child.pid ?? -1).length === 2 ? true : undefined),
      10_000,
      'the pool replaced the worker',
    );

    const alerts = await get<AlertRecord[]>(running(), '/api/health/alerts?state=all');
    const died = alerts.find((a) => a.rule === 'worker_died');
    assert.ok(died, 'a worker_died alert was raised');
    await waitFor(
      async () => {
        const log = await get<AlertRecord[]>(running(), '/api/health/alerts?state=all');
        return log.find((a) => a.id === died.id)?.clearedAt ? true : undefined;
      },
      10_000,
      'the worker_died alert cleared once the worker was replaced',
    );
  });

  it("the origin's worker: the stage is rebuilt, the ingest script re-targets, the speaker's page republishes and the viewer plays again", async () => {
    const viewer = contexts[0]?.pages()[0];
    assert.ok(viewer, 'the watch page of the previous test');
    const token = tokenFor('speaker', 'demo', 'Speaker');
    const speaker = await open(`/speak/demo/keynote?token=${encodeURIComponent(token)}`, 'speak');
    await waitFor(async () => ((await speakState(speaker))?.state === 'on-air' ? true : undefined), 20_000, 'the speaker on air');
    const producersBefore = (await speakState(speaker))?.producerIds ?? [];
    const media = await get<StageMediaView>(running(), '/api/events/demo/stages/keynote/media');
    const peerBefore = (await watchState(viewer))?.peerId ?? null;

    const killedAt = Date.now();
    kill(media.origin.workerPid);
    const recoveredMs = await playsAgain(viewer, peerBefore, killedAt);
    console.log(`      origin worker killed → viewer frames again after ${recoveredMs} ms`);
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
    assert.match(ingest?.output() ?? '', /re-targeting/, 'the ingest script re-targeted by itself');
  });
});
