// join: a keynote's flash crowd. N viewers arrive evenly over a few seconds, from client processes
// (viewerClients.ts, socket.io-client with mediasoup-client's FakeHandler), and each joins a stage fed
// by ffmpeg through the real signaling path. Reports each viewer's connect → consumers resumed time,
// joins per second, and the node process's CPU per join; then, for a few real Chromium pages,
// navigation → first decoded frame; plus routers opened and consumers per router. Before the crowd, the
// same arrivals replay one real viewer's join against a bare Socket.IO server (signalingFloor.ts): its CPU
// per join is the framework's floor, reported beside the node's.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import type { StageMediaView } from '../../server/http/routes/media';
import { type IngestTargetDto, spawnFfmpegIngest } from '../ffmpegIngest';
import { firstDecodedFrame, launchChromium } from '../lib/browser';
import { startServer } from '../lib/serverProcess';
import { waitFor } from '../lib/wait';
import { accountCpu } from './cpuTime';
import { RpcChild } from './rpc';
import type { SignalingFloorApi } from './signalingFloor';
import { summarize } from './stats';
import { ViewerFleet } from './viewerFleet';

const STAGE = { eventId: 'demo', stageId: 'keynote' };

function log(message: string): void {
  process.stderr.write(`[join] ${message}\n`);
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
        await firstDecodedFrame(page, 50);
        return performance.now() - started;
      }),
    );
  } finally {
    await browser.close();
  }
}

/** What a bare Socket.IO server spends per join when the same crowd replays one real viewer's join. */
async function socketIoFloorCpuMsPerJoin(fleet: ViewerFleet, viewers: number, overMs: number): Promise<number> {
  const exchanges = await fleet.recordJoin();
  log(`the Socket.IO floor: ${viewers} arrivals replaying ${exchanges.map((x) => x.event).join(', ')}`);
  const floor = await RpcChild.start<SignalingFloorApi, { port: number }>(path.join(__dirname, 'signalingFloor.ts'), []);
  try {
    await floor.call('replay', { exchanges });
    const cpu = accountCpu({ floor: floor.pid });
    const crowd = await fleet.floorCrowd(`http://127.0.0.1:${floor.ready.port}`, viewers, overMs, exchanges);
    const cost = cpu.stop();
    if (crowd.failed > 0) throw new Error(`the floor's crowd failed: ${crowd.errors.join('; ')}`);
    await fleet.closeFloor();
    return Math.round(((cost.processes.floor?.cpuMs ?? NaN) / crowd.ok) * 100) / 100;
  } finally {
    await floor.stop();
  }
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '1000' },
      'over-ms': { type: 'string', default: '10000' },
      processes: { type: 'string', default: '4' },
      browsers: { type: 'string', default: '3' },
      'max-per-router': { type: 'string', default: '500' },
      'join-backlog-max': { type: 'string', default: '200' },
      // 'separate': a request per step (join, transport, consume and resume each producer), as before consumeMany.
      flow: { type: 'string', default: 'batched' },
    },
  });
  const viewers = Number(values.viewers);
  const overMs = Number(values['over-ms']);
  const browsers = Number(values.browsers);
  if (values.flow !== 'batched' && values.flow !== 'separate') throw new Error('--flow is batched or separate');
  const separately = values.flow === 'separate';
  const server = await startServer({
    RTC_LISTEN_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MAX_CONSUMERS_PER_ROUTER: values['max-per-router'],
    // The crowd comes from one address here; in a hall it comes from thousands.
    MAX_SOCKETS_PER_IP: String(viewers + 100),
    MAX_PEERS_PER_IP: String(viewers + 100),
    MAX_TRANSPORTS_PER_IP: String(2 * viewers + 100),
    JOIN_RATE_LIMIT_PER_MINUTE: String(viewers * 10),
    // The node's own default: past it, arrivals watch over HLS instead of waiting.
    JOIN_BACKLOG_MAX: values['join-backlog-max'],
  });
  const host = createTokenSigner(DEV_JWT_SECRET, 3600).sign({ role: 'host', eventId: STAGE.eventId, name: 'bench' });
  let ffmpeg: ReturnType<typeof spawnFfmpegIngest> | undefined;
  let fleet: ViewerFleet | undefined;
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
    fleet = await ViewerFleet.start(server.url, STAGE.stageId, Number(values.processes));
    const floorCpuMsPerJoin = await socketIoFloorCpuMsPerJoin(fleet, viewers, overMs);

    // What the node spends with no one joining (health sampling, the feed's stage), to take off the crowd's.
    const idle = accountCpu({ node: server.child.pid });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleCost = idle.stop();
    const idleCores = (idleCost.processes.node?.cpuMs ?? 0) / idleCost.wallMs;
    log(`${viewers} viewers arriving over ${overMs} ms from ${values.processes} processes`);
    const cpu = accountCpu({ node: server.child.pid });
    const crowd = await fleet.flashCrowd(viewers, overMs, separately);
    const cost = cpu.stop();
    const view = await describe();

    log(`${browsers} Chromium pages`);
    const firstFrames = await firstFrameInBrowsers(server.url, browsers);
    const nodeCpuMs = cost.processes.node?.cpuMs ?? NaN;
    const nodeCpuMsPerJoin = Math.round(((nodeCpuMs - idleCores * cost.wallMs) / Math.max(1, crowd.ok)) * 100) / 100;
    return {
      viewers,
      arrivalMs: overMs,
      flow: values.flow,
      joined: crowd.ok,
      sentToHls: crowd.toHls,
      failures: crowd.failed,
      errors: crowd.errors,
      joinsPerSecond: Math.round((crowd.ok / cost.wallMs) * 1000),
      connectToResumedMs: summarize(crowd.joinMs),
      nodeCpuMsPerJoin,
      socketIoFloorCpuMsPerJoin: floorCpuMsPerJoin,
      nodeOverFloor: Math.round((nodeCpuMsPerJoin / floorCpuMsPerJoin) * 100) / 100,
      nodeIdleCores: Math.round(idleCores * 1000) / 1000,
      // Sends over loopback carry the receiving client's TCP work too: the kernel's part is inflated here.
      nodeKernelShare: Math.round(((cost.processes.node?.kernelMs ?? 0) / nodeCpuMs) * 100) / 100,
      browserNavigationToFirstFrameMs: summarize(firstFrames),
      routersOpened: view.distributionRouters.length,
      consumersPerRouter: view.distributionRouters.map((r) => r.consumers),
      maxConsumersPerRouter: Number(values['max-per-router']),
      cpu: cost,
    };
  } finally {
    await fleet?.stop();
    ffmpeg?.kill('SIGKILL');
    await server.dispose();
  }
}
