import assert from 'node:assert/strict';
import type { AlertRecord } from '../../../signaling/contract';
import { ApiClient, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, request, startStagecast, tokenFor } from '../../helpers/stagecast';

describe('A worker killed with SIGKILL raises worker_died until the pool replaces it', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let ops: ClientSocket;

  before(async () => {
    node = await startStagecast({ HEALTH_SAMPLE_INTERVAL_MS: '500' });
  });

  after(async () => {
    ops?.disconnect();
    await node.stop();
  });

  it('pushes worker_died to ops, /readyz reports the dead worker meanwhile, and the alert clears once replaced', async () => {
    ops = await connect(node.url, tokenFor('ops'));
    const raised: AlertRecord[] = [];
    const cleared: AlertRecord[] = [];
    ops.on('alertRaised', (alert) => raised.push(alert));
    ops.on('alertCleared', (alert) => cleared.push(alert));
    await request(ops, 'subscribeHealth', {});

    const victim = node.node.workers.status()[1];
    assert.ok(victim.pid);
    const readiness: { status: number; workers: string }[] = [];
    const probe = async (): Promise<void> => {
      const res = await fetch(`${node.url}/readyz`);
      readiness.push({ status: res.status, workers: ((await res.json()) as { checks: { workers: string } }).checks.workers });
    };
    process.kill(victim.pid, 'SIGKILL');

    const died = await waitFor(
      async () => {
        await probe();
        return raised.find((a) => a.rule === 'worker_died');
      },
      5000,
      'a worker_died alert on the ops socket',
    );
    assert.deepEqual([died.subject, died.eventId, died.severity, died.value], ['worker:1', '', 'critical', victim.pid]);
    const open = ok<{ alerts: AlertRecord[] }>(await new ApiClient(node.url).as(tokenFor('admin')).get('/api/health'));
    assert.ok(open.alerts.some((a) => a.id === died.id) || cleared.some((a) => a.id === died.id), 'open until replaced');

    const replaced = await waitFor(
      async () => {
        await probe();
        return cleared.find((a) => a.id === died.id);
      },
      10_000,
      'the worker_died alert cleared',
    );
    assert.equal(replaced.clearReason, 'recovered');
    await probe();
    assert.ok(
      readiness.some((r) => r.status === 503 && r.workers === '1/2 mediasoup workers alive'),
      `readiness seen: ${JSON.stringify(readiness)}`,
    );
    assert.deepEqual(readiness.at(-1), { status: 200, workers: 'ok' }, 'ready again once replaced');
    assert.notEqual(node.node.workers.status()[1].pid, victim.pid);
    assert.equal(raised.filter((a) => a.rule === 'worker_died').length, 1);

    // The next sample sees the new worker alive.
    await waitFor(
      async () => (node.node.ops.health.latest()?.workers[1]?.pid === node.node.workers.status()[1].pid ? true : undefined),
      5000,
      'a sample of the new worker',
    );
    assert.equal((await node.node.store.collection('alerts').get('', died.id))?.clearReason, 'recovered');
  });
});
