import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import pino from 'pino';
import { isRunning } from '../../../media/processExit';
import { WorkerPool, type WorkerDiedEvent, type WorkerReplacedEvent } from '../../../media/WorkerPool';

const WORKER_BIN = path.join(path.dirname(require.resolve('mediasoup/package.json')), 'worker/out/Release/mediasoup-worker');

describe('mediasoup worker build', () => {
  it('links the system OpenSSL 3 (libssl.so.3), not the vendored 1.1.1k', () => {
    const ldd = execFileSync('ldd', [WORKER_BIN], { encoding: 'utf8' });
    assert.match(ldd, /libssl\.so\.3 => \//);
    assert.match(ldd, /libcrypto\.so\.3 => \//);
    assert.doesNotMatch(ldd, /not found/);
  });
});

describe('WorkerPool', function () {
  this.timeout(20_000);
  const logger = pino({ level: 'silent' });
  let pool: WorkerPool | undefined;

  afterEach(async () => pool?.close());

  it('starts one worker per slot, each on its own slice of the RTC port range', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: 41000, rtcMaxPort: 41099, logLevel: 'warn', logger });
    assert.equal(pool.workers.length, 2);
    assert.ok(pool.isReady());
    const slices = pool.status().map((s) => [s.rtcMinPort, s.rtcMaxPort]);
    assert.deepEqual(slices, [
      [41000, 41049],
      [41050, 41099],
    ]);
    const transport = await (await pool.workers[1].createRouter({ mediaCodecs: [] })).createPlainTransport({ listenIp: '127.0.0.1' });
    assert.ok(transport.tuple.localPort >= 41050 && transport.tuple.localPort <= 41099, 'worker 1 binds in its slice');
  });

  it('reports a SIGKILLed worker and replaces it in the same slot', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: 41100, rtcMaxPort: 41199, logLevel: 'warn', logger, respawnDelayMs: 100 });
    const victim = pool.workers[0];
    const died = once(pool, 'workerdied') as Promise<[WorkerDiedEvent]>;
    const replaced = once(pool, 'workerreplaced') as Promise<[WorkerReplacedEvent]>;
    process.kill(victim.pid, 'SIGKILL');

    const [death] = await died;
    assert.equal(death.index, 0);
    assert.equal(death.pid, victim.pid);
    assert.equal(pool.isReady(), false, 'not ready while a slot is empty');

    const [replacement] = await replaced;
    assert.equal(replacement.index, 0);
    assert.notEqual(replacement.pid, victim.pid);
    assert.ok(pool.isReady());
    assert.deepEqual(pool.status()[0], {
      index: 0,
      pid: replacement.pid,
      alive: true,
      restarts: 1,
      rtcMinPort: 41100,
      rtcMaxPort: 41149,
      ports: { inUse: { udp: 0, tcp: 0 }, total: 50, exhausted: false },
    });
  });

  it('close() ends every worker process and is safe to call twice', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: 41200, rtcMaxPort: 41299, logLevel: 'warn', logger });
    const pids = pool.workers.map((w) => w.pid);
    await Promise.all([pool.close(), pool.close()]);
    assert.ok(pool.closed);
    assert.equal(pool.isReady(), false);
    assert.deepEqual(pids.filter(isRunning), [], 'every worker process has exited when close() resolves');
  });
});
