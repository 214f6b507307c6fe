import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEV_JWT_SECRET } from '../../server/config';
import { SqliteStore } from '../../server/store/SqliteStore';
import { isRunning } from '../../media/processExit';
import { waitFor, workerPids } from '../helpers/net';
import { startServer, type ServerProcess } from '../../scripts/lib/serverProcess';
import { settleWithin } from '../../scripts/lib/wait';
import { Teardown } from '../helpers/teardown';
import { WorkerHold } from '../helpers/workerHold';

const MAIN = path.join(__dirname, '../../server/main.ts');

describe('stagecast server process', function () {
  this.timeout(40_000);
  let server: ServerProcess;
  let workerHold: WorkerHold;
  const teardown = new Teardown();

  before(async () => {
    workerHold = teardown.own('the worker hold', new WorkerHold(), (hold) => hold.dispose());
    server = teardown.own('the server', await startServer(workerHold.env), (s) => s.dispose());
  });

  after(() => teardown.run());

  it('answers /healthz and /readyz with every check ok', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ready', checks: { workers: 'ok', store: 'ok' } });
  });

  it('runs the configured number of mediasoup workers as its children', () => {
    assert.equal(workerPids(server.child.pid!).length, 2);
  });

  it('sends security headers and hides the framework', async () => {
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('content-security-policy'));
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('answers an unknown API route with a JSON not_found error', async () => {
    const res = await fetch(`${server.url}/api/nothing-here`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: 'not_found', message: 'no route GET /api/nothing-here' } });
  });

  it('answers malformed JSON with bad_request and an oversized body with payload_too_large', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"title": ');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'bad_request');
    const huge = await post(JSON.stringify({ text: 'x'.repeat(200_000) }));
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  });

  it('reports a killed worker on /readyz until the pool has replaced it', async () => {
    const before = workerPids(server.child.pid!);
    assert.equal(before.length, 2);
    // The replacement waits while held: the slot stays empty for as long as the test looks.
    workerHold.hold();
    teardown.add('the worker hold released', () => workerHold.release());
    process.kill(before[0], 'SIGKILL');
    const notReady = await waitFor(
      async () => {
        const res = await fetch(`${server.url}/readyz`);
        const body = (await res.json()) as { checks: Record<string, string> };
        if (res.status !== 503) throw new Error(`/readyz ${res.status} ${JSON.stringify(body)}`);
        return body;
      },
      { what: '/readyz 503 while the killed worker is not replaced', timeoutMs: 10_000 },
    );
    assert.equal(notReady.checks.workers, '1/2 mediasoup workers alive');
    await waitFor(async () => workerHold.waiting(server.child.pid!) === 1, { what: 'the replacement started and held', timeoutMs: 10_000 });
    assert.equal((await fetch(`${server.url}/readyz`)).status, 503, 'still not ready while the replacement is held');

    workerHold.release();
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200, {
      what: '/readyz 200 once the pool has replaced the worker',
      timeoutMs: 15_000,
    });
    const after = workerPids(server.child.pid!);
    assert.equal(after.length, 2);
    assert.ok(!after.includes(before[0]), 'the dead worker was replaced by a new process');
  });

  it('on SIGTERM closes everything, leaves no worker behind and exits 0 by itself (before its shutdown deadline)', async () => {
    // A server of its own: the others here keep theirs running.
    const leaving = teardown.own('the server told to leave', await startServer(), (s) => s.dispose());
    const workers = workerPids(leaving.child.pid!);
    assert.equal(workers.length, 2);
    leaving.child.kill('SIGTERM');
    const exit = await settleWithin(leaving.exited, 30_000, null);
    assert.ok(exit, 'the process had not exited 30 s after SIGTERM');
    // Past its deadline (DRAIN_GRACE_MS less a margin) the process exits 1.
    assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}`);
    assert.deepEqual(workers.filter(isRunning), [], 'no mediasoup worker survives');
  });

  it('seeded the demo event with its two stages into the SQLite file', async () => {
    // Read by a second connection to the file, as the running server writes it (WAL).
    const store = new SqliteStore(path.join(server.dataDir, 'stagecast.db'));
    try {
      assert.equal((await store.collection('events').get('', 'demo'))?.isPublic, true);
      const stages = (await store.collection('stages').list('demo')).map((s) => s.id).sort();
      assert.deepEqual(stages, ['keynote', 'release']);
    } finally {
      await store.close();
    }
  });
});

describe('configuration at boot', () => {
  function boot(env: NodeJS.ProcessEnv) {
    return spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, LOG_FORMAT: 'json', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it('refuses a bad value with one line naming the variable, the value and what is allowed', () => {
    const result = boot({ PORT: 'eighty' });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'stagecast: invalid configuration: PORT="eighty" (allowed: an integer 0–65535 (0 = any free port))\n');
  });

  it('never prints a secret, even a refused one', () => {
    const result = boot({ JWT_SECRET: 'too-short-secret' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^stagecast: invalid configuration: JWT_SECRET=\(hidden\) \(allowed: at least 32 characters\)\n$/);
    assert.doesNotMatch(result.stderr + result.stdout, /too-short-secret/);
  });

  it('requires JWT_SECRET in production', () => {
    const result = boot({ NODE_ENV: 'production', JWT_SECRET: '' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /JWT_SECRET/);
  });

  it('requires METRICS_TOKEN in production, in one line naming it', () => {
    const result = boot({ NODE_ENV: 'production', JWT_SECRET: 'q7Jx1v9Rk2pLw0ZsB4nYt6HcM8dFgA3eUoViKrSjNlQ', METRICS_TOKEN: '' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^stagecast: invalid configuration: METRICS_TOKEN is required in production \(allowed: [^\n]*\)\n$/);
  });

  it('refuses the published development secret in production, in one line naming JWT_SECRET and not the value', () => {
    const result = boot({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^stagecast: invalid configuration: JWT_SECRET=\(hidden\) is refused in production: it is the development secret published with stagecast; [^\n]*\n$/,
    );
    assert.ok(!(result.stderr + result.stdout).includes(DEV_JWT_SECRET));
  });
});
