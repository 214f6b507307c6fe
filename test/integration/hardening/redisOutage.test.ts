import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { type ClientSocket, connect, request, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';

const COMMAND_TIMEOUT_MS = 500;
/** The outage lasts until this many writes sent after Redis went down have been answered. */
const WRITES_DURING_OUTAGE = 20;
/** A write not answered within this long counts as hung (the node should answer unavailable at once). */
const HUNG_MS = 10_000;

interface Write {
  name: string;
  /** When it was sent and when its answer came (this host's clock): for ordering against the outage. */
  sentAt: number;
  answeredAt: number;
  /** 0: no answer within HUNG_MS. */
  status: number;
  code: string | null;
  id: string | null;
}

describe('Redis outage: the node stays up, fails fast, and recovers without a restart', function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let server: ServerProcess;
  let viewer: ClientSocket | undefined;
  const teardown = new Teardown();

  before(async () => {
    redis = teardown.own('redis', await RedisServer.start(), (r) => r.stop());
    server = teardown.own(
      'the server',
      await startServer({
        STORE: 'redis',
        REDIS_URL: redis.url,
        REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
        RTC_LISTEN_IP: '127.0.0.1',
      }),
      (s) => s.dispose(),
    );
  });

  after(() => teardown.run());

  it(`under light load through an outage of ${WRITES_DURING_OUTAGE} writes: each write answers 503 unavailable (none hangs), /readyz 503, then writes succeed again and nothing acknowledged is lost`, async () => {
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('admin')}` };
    const writes: Write[] = [];
    let running = true;
    let n = 0;
    // Light load: one write at a time, each waited for, paced at about ten a second (pacing, not a wait for anything).
    const load = (async () => {
      while (running) {
        const sentAt = Date.now();
        const name = `Speaker ${n++}`;
        const answer = await fetch(`${server.url}/api/events/demo/speakers`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ name, title: '', organisation: '', presence: 'remote' }),
          signal: AbortSignal.timeout(HUNG_MS),
        }).then(
          async (res) => ({ status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } }),
          (): { status: number; body: { id?: string; error?: { code: string } } } => ({
            status: 0,
            body: { error: { code: 'no answer' } },
          }),
        );
        const { status, body } = answer;
        writes.push({ name, sentAt, answeredAt: Date.now(), status, code: body.error?.code ?? null, id: body.id ?? null });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    teardown.add('the load', async () => {
      running = false;
      await load;
    });
    const stored = (w: Write): boolean => w.status === 201;
    viewer = teardown.own('the viewer', await connect(server.url, tokenFor('attendee', 'demo', 'Watching through it')), (v) =>
      v.disconnect(),
    );
    await request(viewer, 'join', { stageId: 'keynote' });
    await waitFor(async () => writes.filter(stored).length >= 5, { what: 'five writes acknowledged before the outage', timeoutMs: 20_000 });

    const down = Date.now();
    await redis.kill();
    const readyDuring = await waitFor(
      async () => {
        const res = await fetch(`${server.url}/readyz`);
        const body = (await res.json()) as { checks: { store: string } };
        if (res.status !== 503) throw new Error(`/readyz ${res.status} ${JSON.stringify(body)}`);
        return body;
      },
      { what: '/readyz 503 once Redis is down', timeoutMs: 15_000 },
    );
    assert.match(readyDuring.checks.store, /redis store/);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process answers throughout');
    // Writes sent once Redis was surely gone (a write in flight at the kill may have gone either way).
    const duringOutage = (w: Write): boolean => w.sentAt >= down + COMMAND_TIMEOUT_MS;
    // The writes answered while Redis is still down, taken once there are enough (not re-filtered later by clock: a
    // write answered in the same millisecond as the restart began would fall out of a time filter).
    const during = await waitFor(
      async () => {
        const answered = writes.filter(duringOutage);
        if (answered.length < WRITES_DURING_OUTAGE) throw new Error(`${answered.length} answered so far`);
        return answered;
      },
      { what: `${WRITES_DURING_OUTAGE} writes answered during the outage`, timeoutMs: WRITES_DURING_OUTAGE * HUNG_MS },
    );
    assert.equal(server.child.exitCode, null, 'the node is still running');
    assert.equal(viewer.connected, true, 'connected viewers stay connected');

    const restarting = Date.now();
    await redis.restart();
    const afterRestart = (w: Write): boolean => w.sentAt >= restarting;
    await waitFor(async () => writes.filter((w) => afterRestart(w) && stored(w)).length >= 5, {
      what: 'five writes acknowledged after Redis came back',
      timeoutMs: 30_000,
    });
    running = false;
    await load;

    assert.deepEqual(
      [...new Set(during.map((w) => `${w.status} ${w.code}`))],
      ['503 unavailable'],
      'every write during the outage was answered 503 unavailable',
    );
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200, { what: '/readyz 200 again', timeoutMs: 15_000 });

    // Every write the node acknowledged, before and after the outage, is there; none it refused during it is.
    const speakers = (await (await fetch(`${server.url}/api/events/demo/speakers`, { headers: admin })).json()) as {
      id: string;
      name: string;
    }[];
    const keptIds = new Set(speakers.map((s) => s.id));
    const keptNames = new Set(speakers.map((s) => s.name));
    const acknowledged = writes.filter(stored);
    assert.deepEqual(
      acknowledged.filter((w) => !keptIds.has(w.id!)).map((w) => w.name),
      [],
      'acknowledged writes were lost',
    );
    assert.deepEqual(
      during.filter((w) => keptNames.has(w.name)).map((w) => w.name),
      [],
      'writes refused during the outage were stored anyway',
    );
    assert.ok(
      acknowledged.some((w) => w.answeredAt < down) && acknowledged.some(afterRestart),
      'writes acknowledged before the outage and after it are both there',
    );
    assert.equal(viewer.connected, true);
    assert.ok(await request(viewer, 'getRouterRtpCapabilities', {}), 'the viewer was served through it');
  });
});
