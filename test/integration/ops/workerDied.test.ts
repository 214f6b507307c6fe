import assert from 'node:assert/strict';
import type { AlertRecord, HealthSampleView } from '../../../signaling/contract';
import { ApiClient, ok } from '../../helpers/api';
import { waitFor, workerPids } from '../../helpers/net';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { connect, request, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { WorkerHold } from '../../helpers/workerHold';

describe('A worker killed with SIGKILL raises worker_died until the pool replaces it', function () {
  this.timeout(60_000);
  let server: ServerProcess;
  let workerHold: WorkerHold;
  const teardown = new Teardown();

  before(async () => {
    workerHold = teardown.own('the worker hold', new WorkerHold(), (hold) => hold.dispose());
    server = teardown.own(
      'the server',
      await startServer({ ...workerHold.env, HEALTH_SAMPLE_INTERVAL_MS: '500', ALERT_CLEAR_AFTER_MS: '1000' }),
      (s) => s.dispose(),
    );
  });

  after(() => teardown.run());

  async function health(): Promise<{ sample: HealthSampleView | null; alerts: AlertRecord[] }> {
    return ok(await new ApiClient(server.url).as(tokenFor('admin')).get('/api/health'));
  }

  async function readiness(): Promise<{ status: number; workers: string }> {
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, workers: ((await res.json()) as { checks: { workers: string } }).checks.workers };
  }

  it('pushes worker_died to ops, /readyz reports the dead worker meanwhile, and the alert clears once replaced', async () => {
    const ops = teardown.own('the ops socket', await connect(server.url, tokenFor('ops')), (socket) => socket.disconnect());
    const raised: AlertRecord[] = [];
    const cleared: AlertRecord[] = [];
    ops.on('alertRaised', (alert) => raised.push(alert));
    ops.on('alertCleared', (alert) => cleared.push(alert));
    await request(ops, 'subscribeHealth', {});

    const victim = await waitFor(async () => (await health()).sample?.workers.find((w) => w.index === 1 && w.alive), {
      what: 'a sample with worker 1 alive',
      timeoutMs: 10_000,
    });
    assert.ok(victim.pid && workerPids(server.child.pid!).includes(victim.pid), `worker 1 (pid ${victim.pid}) is a child of the server`);
    // The replacement waits while held: the time between death and replacement lasts as long as the test looks.
    workerHold.hold();
    teardown.add('the worker hold released', () => workerHold.release());
    process.kill(victim.pid, 'SIGKILL');

    const died = await waitFor(async () => raised.find((a) => a.rule === 'worker_died'), {
      what: 'a worker_died alert on the ops socket',
      timeoutMs: 10_000,
    });
    assert.deepEqual([died.subject, died.eventId, died.severity, died.value], ['worker:1', '', 'critical', victim.pid]);
    await waitFor(async () => workerHold.waiting(server.child.pid!) === 1, { what: 'the replacement started and held', timeoutMs: 10_000 });
    // Meanwhile (the replacement held): the alert is open, not cleared, and the node is not ready.
    const meanwhile = await health();
    assert.ok(
      meanwhile.alerts.some((a) => a.id === died.id && a.clearedAt === null),
      `worker_died is among the open alerts: ${JSON.stringify(meanwhile.alerts)}`,
    );
    assert.equal(cleared.length, 0, 'nothing cleared while the worker is not replaced');
    assert.deepEqual(await readiness(), { status: 503, workers: '1/2 mediasoup workers alive' });

    workerHold.release();
    const replaced = await waitFor(async () => cleared.find((a) => a.id === died.id), {
      what: 'the worker_died alert cleared once the worker was replaced',
      timeoutMs: 15_000,
    });
    assert.equal(replaced.clearReason, 'recovered');
    assert.deepEqual(await readiness(), { status: 200, workers: 'ok' }, 'ready again once replaced');
    assert.equal(raised.filter((a) => a.rule === 'worker_died').length, 1);

    // A later sample sees a new process alive in the slot, and the stored alert keeps its clearing.
    const successor = await waitFor(
      async () => (await health()).sample?.workers.find((w) => w.index === 1 && w.alive && w.pid !== victim.pid),
      { what: 'a sample of the new worker in slot 1', timeoutMs: 10_000 },
    );
    assert.ok(successor.pid && workerPids(server.child.pid!).includes(successor.pid), 'the new worker is a child of the server');
    const log = ok<AlertRecord[]>(await new ApiClient(server.url).as(tokenFor('admin')).get('/api/health/alerts?state=all'));
    assert.equal(log.find((a) => a.id === died.id)?.clearReason, 'recovered');
  });
});
