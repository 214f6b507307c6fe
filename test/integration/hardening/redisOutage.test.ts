import assert from 'node:assert/strict';
import fs from 'node:fs';
import { RedisServer } from '../../helpers/redis';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { type ClientSocket, connect, request, tokenFor } from '../../helpers/stagecast';

const COMMAND_TIMEOUT_MS = 500;
const OUTAGE_MS = 10_000;

interface Write {
  at: number;
  ms: number;
  status: number;
  code: string | null;
  id: string | null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Redis outage: the node stays up, fails fast, and recovers without a restart', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let server: ServerProcess;
  let viewer: ClientSocket | undefined;

  before(async () => {
    redis = await RedisServer.start();
    server = await startServer({
      STORE: 'redis',
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      RTC_LISTEN_IP: '127.0.0.1',
    });
  });

  after(async () => {
    viewer?.disconnect();
    await server?.stop();
    await redis?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it(`under light load through a ${OUTAGE_MS / 1000} s outage: writes answer 503 unavailable quickly, /readyz 503, then writes succeed again and nothing acknowledged is lost`, async () => {
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('admin')}` };
    const writes: Write[] = [];
    let running = true;
    let n = 0;
    // Light load: one write every 100 ms, each waited for.
    const load = (async () => {
      while (running) {
        const started = Date.now();
        const res = await fetch(`${server.url}/api/events/demo/speakers`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ name: `Speaker ${n++}`, title: '', organisation: '', presence: 'remote' }),
        });
        const body = (await res.json()) as { id?: string; error?: { code: string } };
        writes.push({ at: started, ms: Date.now() - started, status: res.status, code: body.error?.code ?? null, id: body.id ?? null });
        await sleep(100);
      }
    })();
    viewer = await connect(server.url, tokenFor('attendee', 'demo', 'Watching through it'));
    await request(viewer, 'join', { stageId: 'keynote' });
    await sleep(1500);

    const down = Date.now();
    await redis.kill();
    await sleep(COMMAND_TIMEOUT_MS * 3);
    const readyDuring = await fetch(`${server.url}/readyz`);
    assert.equal(readyDuring.status, 503);
    assert.match(((await readyDuring.json()) as { checks: { store: string } }).checks.store, /redis store/);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process answers throughout');
    await sleep(OUTAGE_MS - COMMAND_TIMEOUT_MS * 3);
    assert.equal(server.child.exitCode, null, 'the node is still running');
    assert.equal(viewer.connected, true, 'connected viewers stay connected');

    const restarting = Date.now();
    await redis.restart();
    const back = Date.now();
    const firstOk = await new Promise<number>((resolve, reject) => {
      const poll = setInterval(() => {
        const ok = writes.find((w) => w.at + w.ms >= restarting && w.status === 201);
        if (ok) {
          clearInterval(poll);
          resolve(ok.at + ok.ms);
        } else if (Date.now() - back > 15_000) {
          clearInterval(poll);
          reject(new Error('no successful write within 15 s of Redis coming back'));
        }
      }, 20);
    });
    await sleep(500);
    running = false;
    await load;

    // Writes sent and answered while Redis was down (a write in flight at the kill may have gone either way).
    const during = writes.filter((w) => w.at >= down + COMMAND_TIMEOUT_MS && w.at + w.ms < restarting);
    const recoveryMs = firstOk - back;
    const slowest = Math.max(...during.map((w) => w.ms));
    console.log(
      `      ${writes.length} writes: ${writes.filter((w) => w.status === 201).length} stored; ${during.length} during the outage, all ${[...new Set(during.map((w) => `${w.status} ${w.code}`))].join(', ')}, slowest ${slowest} ms`,
    );
    console.log(
      `      Redis answered again ${back - restarting} ms after its restart began; the first successful write ended ${firstOk - restarting} ms after it began (${recoveryMs} ms after Redis answered)`,
    );
    assert.ok(during.length > 10, `only ${during.length} writes during the outage`);
    for (const w of during) assert.deepEqual([w.status, w.code], [503, 'unavailable']);
    assert.ok(slowest <= COMMAND_TIMEOUT_MS * 2 + 500, `a failing write took ${slowest} ms`);
    assert.ok(recoveryMs < 3000, `writes came back ${recoveryMs} ms after Redis`);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

    // Every write the node acknowledged, before and after the outage, is there.
    const stored = new Set(
      ((await (await fetch(`${server.url}/api/events/demo/speakers`, { headers: admin })).json()) as { id: string }[]).map((s) => s.id),
    );
    const acknowledged = writes.filter((w) => w.status === 201).map((w) => w.id!);
    assert.deepEqual(
      acknowledged.filter((id) => !stored.has(id)),
      [],
      'acknowledged writes were lost',
    );
    const ackSet = new Set(acknowledged);
    const phantoms = [...stored].filter((id) => !ackSet.has(id));
    console.log(`      stored ${stored.size} speakers, acknowledged ${acknowledged.length}, phantom ${phantoms.length}`);
    assert.ok(
      acknowledged.some((id, i) => writes.filter((w) => w.status === 201)[i].at < down && stored.has(id)),
      'writes from before the outage survived',
    );
    assert.equal(viewer.connected, true);
    assert.ok(await request(viewer, 'getRouterRtpCapabilities', {}), 'the viewer was served through it');
  });
});
