import assert from 'node:assert/strict';
import { isRunning } from '../../../media/processExit';
import type { DrainNotice } from '../../../signaling/contract';
import { settleWithin } from '../../../scripts/lib/wait';
import { waitFor, workerPids } from '../../helpers/net';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { type ClientSocket, connect, rawRequest, request, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';

/** DRAIN_GRACE_MS's default: the process is gone within it, viewers or not. */
const GRACE_MS = 5000;

/** The messages the server logged (JSON lines), in order, with their time. */
function logged(server: ServerProcess): { time: number; msg: string }[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { time: number; msg: string });
}

describe('Graceful drain on SIGTERM with viewers connected', function () {
  this.timeout(30_000);
  let server: ServerProcess;
  const sockets: ClientSocket[] = [];
  const teardown = new Teardown();

  before(async () => {
    server = teardown.own('the server', await startServer({ RTC_LISTEN_IP: '127.0.0.1' }), (s) => s.dispose());
    teardown.add('the sockets', () => sockets.forEach((socket) => socket.disconnect()));
  });

  after(() => teardown.run());

  it('refuses new joins with unavailable, tells every viewer to reconnect, keeps serving them until it closes, and exits 0 by itself (before its shutdown deadline)', async () => {
    const viewers: ClientSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const viewer = await connect(server.url, tokenFor('attendee', 'demo', `viewer ${i}`));
      await request(viewer, 'join', { stageId: 'keynote' });
      await request(viewer, 'createTransport', { direction: 'recv' });
      viewers.push(viewer);
    }
    const idle = await connect(server.url, tokenFor('attendee', 'demo', 'late'));
    sockets.push(...viewers, idle);
    const notices = new Map<ClientSocket, DrainNotice>();
    /** When each socket was dropped (this host's clock, as the server's log times are). */
    const dropped = new Map<ClientSocket, number>();
    for (const socket of sockets) {
      socket.on('draining', (notice) => notices.set(socket, notice));
      socket.on('disconnect', () => dropped.set(socket, Date.now()));
    }
    const workers = workerPids(server.child.pid!);
    assert.equal(workers.length, 2);

    server.child.kill('SIGTERM');

    await waitFor(
      async () => {
        if (notices.size < sockets.length) throw new Error(`${notices.size} of ${sockets.length} heard it`);
        return true;
      },
      { what: 'every connection hearing draining', timeoutMs: 10_000 },
    );
    for (const notice of notices.values()) {
      assert.equal(notice.alternateUrl, null, 'a single node has no other to send viewers to');
      assert.ok(notice.reconnectInMs >= GRACE_MS && notice.reconnectInMs < GRACE_MS + 2000, `reconnectInMs ${notice.reconnectInMs}`);
    }

    // New joins are refused, over REST and over Socket.IO, from old and new connections alike.
    const rest = await fetch(`${server.url}/api/events/demo/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(rest.status, 503);
    assert.equal(((await rest.json()) as { error: { code: string } }).error.code, 'unavailable');
    const lateJoin = await rawRequest(idle, 'join', { stageId: 'keynote' });
    assert.ok(!lateJoin.ok && lateJoin.error.code === 'unavailable', JSON.stringify(lateJoin));
    const fresh = await connect(server.url, tokenFor('attendee', 'demo', 'fresh'));
    sockets.push(fresh);
    const freshJoin = await rawRequest(fresh, 'join', { stageId: 'release' });
    assert.ok(!freshJoin.ok && freshJoin.error.code === 'unavailable');

    // Load balancers see it leaving; the viewers already here keep being served.
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { checks: Record<string, string> }).checks.admission ?? '', /draining/);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    for (const viewer of viewers) assert.ok(await request(viewer, 'getRouterRtpCapabilities', {}));
    assert.equal(dropped.size, 0, 'nobody is dropped while draining');

    // It exits by itself, with 0: the shutdown deadline (DRAIN_GRACE_MS less a margin) would exit 1.
    const exit = await settleWithin(server.exited, GRACE_MS * 3, null);
    assert.ok(exit, `the process had not exited ${GRACE_MS * 3} ms after SIGTERM`);
    assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}`);
    const log = logged(server).map((entry) => entry.msg);
    assert.ok(!log.includes('shutdown deadline passed; exiting'), 'the drain finished before its deadline');
    // In order: the drain, then the close; viewers were dropped by the close, not before it.
    const drainAt = log.indexOf('drain()');
    const closeAt = log.indexOf('close()');
    assert.ok(drainAt >= 0 && closeAt > drainAt, `drain() then close() in the log: ${JSON.stringify(log.slice(-10))}`);
    await waitFor(async () => viewers.every((v) => dropped.has(v)), { what: 'every viewer disconnected', timeoutMs: 5000 });
    const closedAt = logged(server).find((entry) => entry.msg === 'close()')?.time ?? Infinity;
    for (const viewer of viewers) assert.ok(dropped.get(viewer)! >= closedAt, 'a viewer dropped before the node closed');
    assert.deepEqual(workers.filter(isRunning), [], 'no mediasoup worker survives');
  });
});
