import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEV_JWT_SECRET } from '../../server/config';
import { SqliteStore } from '../../server/store/SqliteStore';
import { isRunning } from '../../media/processExit';
import { waitFor, workerPids } from '../helpers/net';
import { startServer, type ServerProcess } from '../../scripts/lib/serverProcess';

const MAIN = path.join(__dirname, '../../server/main.ts');

describe('stagecast server process', function () {
  this.timeout(40_000);
  let server: ServerProcess;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

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
    process.kill(before[0], 'SIGKILL');
    const notReady = await waitFor(
      async () => {
        const res = await fetch(`${server.url}/readyz`);
        return res.status === 503 ? ((await res.json()) as { checks: Record<string, string> }) : undefined;
      },
      5000,
      '/readyz 503',
    );
    assert.equal(notReady.checks.workers, '1/2 mediasoup workers alive');
    await waitFor(async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined), 10_000, '/readyz 200');
    const after = workerPids(server.child.pid!);
    assert.equal(after.length, 2);
    assert.ok(!after.includes(before[0]), 'the dead worker was replaced by a new process');
  });

  it('on SIGTERM closes everything, leaves no worker behind and exits 0 within 5 s', async () => {
    const workers = workerPids(server.child.pid!);
    assert.equal(workers.length, 2);
    const started = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5000, `exited in ${Date.now() - started} ms`);
    assert.deepEqual(workers.filter(isRunning), [], 'no mediasoup worker survives');
  });

  it('seeded the demo event with its two stages into the SQLite file', async () => {
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
