import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ApiClient, ok } from '../../helpers/api';
import { RedisServer } from '../../helpers/redis';
import { type ServerProcess, startServer } from '../../../scripts/lib/serverProcess';
import { tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { WebhookReceiver } from '../../helpers/webhookReceiver';

const EVENT = '/api/events/demo';
const FAST = {
  RTC_LISTEN_IP: '127.0.0.1',
  MEDIASOUP_NUM_WORKERS: '1',
  ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_DELAY_MS: '300',
  WEBHOOK_POLL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_LEASE_MS: '2000',
  WEBHOOK_DISABLE_AFTER_FAILURES: '100000',
};
const SESSIONS = 5;

/** A stage with `count` sessions, started one after another through `api`'s node: one session.started each. */
async function startSessions(host: ApiClient, count: number): Promise<void> {
  ok(await host.post(`${EVENT}/stages`, { id: 'hooks', name: 'Partner stage' }), 201);
  for (let i = 0; i < count; i++) {
    const session = ok<{ id: string }>(
      await host.post(`${EVENT}/sessions`, {
        stageId: 'hooks',
        title: `Report ${i + 1}`,
        kind: 'report',
        speakerIds: [],
        plannedStart: `2035-05-01T${10 + i}:00:00Z`,
        plannedEnd: `2035-05-01T${10 + i}:30:00Z`,
      }),
      201,
    );
    ok(await host.post(`${EVENT}/sessions/${session.id}/start`));
  }
}

for (const kind of ['sqlite', 'redis'] as const) {
  describe(`webhooks survive kill -9 of the node holding them (${kind} store)`, function () {
    this.timeout(90_000);
    const teardown = new Teardown();
    after(() => teardown.run());

    it('delivers every pending message after a restart, duplicates only with the same webhook-id', async () => {
      const env = { ...FAST, ...(kind === 'redis' ? { STORE: 'redis', REDIS_URL: (await redisFor(teardown)).url } : {}) };
      const receiver = teardown.own('the receiver', await WebhookReceiver.start(), (r) => r.close());
      // Down at first: every message stays in the outbox, retried, when the node is killed.
      receiver.answer = () => 503;
      let server: ServerProcess = await startServer(env);
      const dataDir = server.dataDir;
      teardown.add('the data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }));
      teardown.add('the node', () => server.stop());
      const admin = new ApiClient(server.url).as(tokenFor('admin'));
      const endpoint = ok<{ secret: string }>(
        await admin.post(`${EVENT}/webhooks`, { url: receiver.url, types: ['session.started'] }),
        201,
      );
      receiver.secret = endpoint.secret;
      await startSessions(new ApiClient(server.url).as(tokenFor('host')), SESSIONS);
      await receiver.waitFor(`an attempt of each of ${SESSIONS} messages`, (r) => new Set(r.map((x) => x.id)).size === SESSIONS);
      const ids = new Set(receiver.received.map((r) => r.id));

      server.child.kill('SIGKILL');
      assert.equal((await server.exited).signal, 'SIGKILL');
      receiver.answer = () => 200;
      server = await startServer(env, dataDir);

      await receiver.waitFor('every message delivered', () => receiver.delivered().length === SESSIONS, 30_000);
      assert.deepEqual(new Set(receiver.delivered().map((r) => r.id)), ids, 'the same messages, by their webhook-ids');
      assert.ok(
        receiver.received.every((r) => ids.has(r.id) && r.verified),
        'no message under a new id',
      );
      for (const id of ids) {
        const bodies = new Set(receiver.received.filter((r) => r.id === id).map((r) => r.body));
        assert.equal(bodies.size, 1, `one body for ${id} on every attempt`);
      }
      const started = receiver.delivered().map((r) => (r.payload?.data as { title: string }).title);
      assert.deepEqual(started.sort(), Array.from({ length: SESSIONS }, (_, i) => `Report ${i + 1}`).sort());
    });
  });
}

async function redisFor(teardown: Teardown): Promise<RedisServer> {
  return teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
}
