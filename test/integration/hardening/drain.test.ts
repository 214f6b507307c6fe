import assert from 'node:assert/strict';
import fs from 'node:fs';
import { isRunning } from '../../../media/processExit';
import type { DrainNotice } from '../../../signaling/contract';
import { waitFor, workerPids } from '../../helpers/net';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { type ClientSocket, connect, rawRequest, request, tokenFor } from '../../helpers/stagecast';

/** DRAIN_GRACE_MS's default: the process is gone within it, viewers or not. */
const GRACE_MS = 5000;

describe('Graceful drain on SIGTERM with viewers connected', function () {
  this.timeout(30_000);
  let server: ServerProcess;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ RTC_LISTEN_IP: '127.0.0.1' });
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('refuses new joins with unavailable, tells every viewer to reconnect, keeps serving them, and exits 0 within the grace period', async () => {
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
    const dropped = new Set<ClientSocket>();
    for (const socket of sockets) {
      socket.on('draining', (notice) => notices.set(socket, notice));
      socket.on('disconnect', () => dropped.add(socket));
    }
    const workers = workerPids(server.child.pid!);
    assert.equal(workers.length, 2);

    const started = Date.now();
    server.child.kill('SIGTERM');

    await waitFor(async () => (notices.size === sockets.length ? true : undefined), 2000, 'every connection hears draining');
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
    assert.equal(dropped.size, 0, 'nobody is dropped early');

    const { code } = await server.exited;
    const elapsed = Date.now() - started;
    console.log(`      exited ${code} ${elapsed} ms after SIGTERM with ${viewers.length} viewers staying connected`);
    assert.equal(code, 0);
    assert.ok(elapsed < GRACE_MS, `exited after ${elapsed} ms`);
    assert.ok(elapsed > GRACE_MS - 2500, `viewers were given time to leave (exited after ${elapsed} ms)`);
    await waitFor(async () => (viewers.every((v) => dropped.has(v)) ? true : undefined), 2000, 'viewers disconnected');
    assert.deepEqual(workers.filter(isRunning), [], 'no mediasoup worker survives');
  });
});
