// join: N viewers join a stage fed by ffmpeg at once, through the real signaling path (socket.io-client
// with mediasoup-client's FakeHandler). Reports connect → resumed consumers latency, and for a few real
// Chromium pages navigation → first decoded frame; plus routers opened and consumers per router.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import type { StageMediaView } from '../../server/http/routes/media';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { launchChromium } from '../lib/browser';
import { startServer } from '../lib/serverProcess';
import { Viewer } from '../lib/viewer';
import { waitFor } from '../lib/wait';
import { summarize } from './stats';

const STAGE = { eventId: 'demo', stageId: 'keynote' };

function log(message: string): void {
  process.stderr.write(`[join] ${message}\n`);
}

/** One viewer's whole join: connect, join, load the device, open the recv transport, consume, resume. */
async function joinOnce(url: string, token: string): Promise<{ ms: number; viewer: Viewer }> {
  const started = performance.now();
  const viewer = await Viewer.connect(url, token);
  await viewer.join(STAGE.stageId);
  await viewer.openRecvTransport();
  await viewer.consumeAll();
  return { ms: performance.now() - started, viewer };
}

async function firstFrameInBrowsers(url: string, pages: number): Promise<number[]> {
  if (pages === 0) return [];
  const browser = await launchChromium();
  try {
    return await Promise.all(
      Array.from({ length: pages }, async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`${url}/watch/${STAGE.eventId}/${STAGE.stageId}`);
        await page.waitForFunction(
          async () => {
            const client = (globalThis as unknown as { stagecast?: { videoStats(): Promise<{ framesDecoded: number }> } }).stagecast;
            return client ? (await client.videoStats()).framesDecoded > 0 : false;
          },
          undefined,
          { polling: 50, timeout: 30_000 },
        );
        return performance.now() - started;
      }),
    );
  } finally {
    await browser.close();
  }
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '200' },
      browsers: { type: 'string', default: '3' },
      'max-per-router': { type: 'string', default: '500' },
    },
  });
  const viewers = Number(values.viewers);
  const browsers = Number(values.browsers);
  const server = await startServer({
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MAX_CONSUMERS_PER_ROUTER: values['max-per-router'],
  });
  const signer = createTokenSigner(DEV_JWT_SECRET, 3600);
  const host = signer.sign({ role: 'host', eventId: STAGE.eventId, name: 'bench' });
  const joined: Viewer[] = [];
  let ffmpeg: ReturnType<typeof spawnFfmpegIngest> | undefined;
  try {
    const mediaUrl = `${server.url}/api/events/${STAGE.eventId}/stages/${STAGE.stageId}`;
    const res = await fetch(`${mediaUrl}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host}`, 'content-type': 'application/json' },
      body: '{}',
    });
    ffmpeg = spawnFfmpegIngest((await res.json()) as IngestTargetDto, { size: '640x360', videoBitrate: '800k' });
    const describe = async (): Promise<StageMediaView> =>
      (await fetch(`${mediaUrl}/media`, { headers: { authorization: `Bearer ${host}` } })).json() as Promise<StageMediaView>;
    await waitFor(async () => ((await describe()).sources.length > 0 ? true : undefined), 10_000, 'the on-site source');

    log(`${viewers} viewers joining at once`);
    const tokens = Array.from({ length: viewers }, (_, i) =>
      signer.sign({ role: 'attendee', eventId: STAGE.eventId, name: `viewer ${i}` }),
    );
    const started = performance.now();
    const outcomes = await Promise.allSettled(tokens.map((token) => joinOnce(server.url, token)));
    const wallMs = performance.now() - started;
    const latencies = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.ms] : []));
    for (const o of outcomes) if (o.status === 'fulfilled') joined.push(o.value.viewer);
    const failures = outcomes.filter((o) => o.status === 'rejected').length;
    const view = await describe();

    log(`${browsers} Chromium pages`);
    const firstFrames = await firstFrameInBrowsers(server.url, browsers);
    return {
      viewers,
      failures,
      joinWallMs: Math.round(wallMs),
      connectToResumedMs: summarize(latencies),
      browserNavigationToFirstFrameMs: summarize(firstFrames),
      routersOpened: view.distributionRouters.length,
      consumersPerRouter: view.distributionRouters.map((r) => r.consumers),
      maxConsumersPerRouter: Number(values['max-per-router']),
    };
  } finally {
    for (const viewer of joined) viewer.close();
    ffmpeg?.kill('SIGKILL');
    await server.dispose();
  }
}
