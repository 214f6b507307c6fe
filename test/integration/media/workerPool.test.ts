import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import pino from 'pino';
import { isRunning } from '../../../media/processExit';
import { WorkerPool, type WorkerDiedEvent, type WorkerReplacedEvent } from '../../../media/WorkerPool';
import { type PortRange, reservePortRange } from '../../../scripts/lib/ports';

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
  /** 100 ports of this test's own (scripts/lib/ports.ts), so runs side by side never share one. */
  let ports: PortRange;

  beforeEach(() => {
    ports = reservePortRange(100);
  });

  afterEach(async () => {
    try {
      await pool?.close();
    } finally {
      ports.release();
    }
  });

  it('starts one worker per slot, each on its own slice of the RTC port range', async () => {
    const min = ports.min;
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: min, rtcMaxPort: min + 99, logLevel: 'warn', logger });
    assert.equal(pool.workers.length, 2);
    assert.ok(pool.isReady());
    const slices = pool.status().map((s) => [s.rtcMinPort, s.rtcMaxPort]);
    assert.deepEqual(slices, [
      [min, min + 49],
      [min + 50, min + 99],
    ]);
    const transport = await (await pool.workers[1].createRouter({ mediaCodecs: [] })).createPlainTransport({ listenIp: '127.0.0.1' });
    assert.ok(transport.tuple.localPort >= min + 50 && transport.tuple.localPort <= min + 99, 'worker 1 binds in its slice');
  });

  it('reports a SIGKILLed worker and replaces it in the same slot', async () => {
    const min = ports.min;
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: min, rtcMaxPort: min + 99, logLevel: 'warn', logger, respawnDelayMs: 100 });
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
      rtcMinPort: min,
      rtcMaxPort: min + 49,
      ports: { inUse: { udp: 0, tcp: 0 }, total: 50, exhausted: false },
    });
  });

  it('close() ends every worker process and is safe to call twice', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, rtcMinPort: ports.min, rtcMaxPort: ports.max, logLevel: 'warn', logger });
    const pids = pool.workers.map((w) => w.pid);
    await Promise.all([pool.close(), pool.close()]);
    assert.ok(pool.closed);
    assert.equal(pool.isReady(), false);
    assert.deepEqual(pids.filter(isRunning), [], 'every worker process has exited when close() resolves');
  });
});
