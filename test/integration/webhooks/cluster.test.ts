import assert from 'node:assert/strict';
import type { ServerProcess } from '../../../scripts/lib/serverProcess';
import { waitFor } from '../../../scripts/lib/wait';
import type { WebhookDeliveryRecord } from '../../../server/store/integrationRecords';
import { ApiClient, ok } from '../../helpers/api';
import { startClusterNode } from '../../helpers/cluster';
import { RedisServer } from '../../helpers/redis';
import { tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { WebhookReceiver } from '../../helpers/webhookReceiver';

const EVENT = '/api/events/demo';
const FAST = {
  ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_DELAY_MS: '100',
  // Both nodes look at the outbox often: were a claim not exclusive, they would both send.
  WEBHOOK_POLL_MS: '20',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_LEASE_MS: '5000',
  // Above the longest run of failures the first test can make (each message fails once), reached in a few
  // seconds by a receiver that always fails.
  WEBHOOK_DISABLE_AFTER_FAILURES: '40',
};
const PER_NODE = 6;

describe('webhooks in a cluster: two nodes on one Redis', function () {
  this.timeout(90_000);
  const teardown = new Teardown();
  let nodes: ServerProcess[];

  before(async () => {
    const redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
    nodes = [];
    for (const id of ['hook-a', 'hook-b'])
      nodes.push(teardown.own(`node ${id}`, await startClusterNode(redis, id, FAST), (n) => n.dispose()));
  });
  after(() => teardown.run());

  it('delivers each change once in total, each retry by one node, whichever node made the change', async () => {
    const receiver = teardown.own('the receiver', await WebhookReceiver.start(), (r) => r.close());
    // Every message fails once: its retry goes through the shared outbox, which both nodes poll.
    receiver.answer = (id, before) => (before.some((r) => r.id === id) ? 200 : 500);
    const [a, b] = nodes.map((node) => new ApiClient(node.url).as(tokenFor('host')));
    const admin = new ApiClient(nodes[0].url).as(tokenFor('admin'));
    const endpoint = ok<{ id: string; secret: string }>(
      await admin.post(`${EVENT}/webhooks`, { url: receiver.url, types: ['session.started'] }),
      201,
    );
    receiver.secret = endpoint.secret;

    // Changes made on both nodes, each on a stage of its own.
    for (const [index, api] of [a, b].entries()) {
      const stageId = `hooks-${index}`;
      ok(await api.post(`${EVENT}/stages`, { id: stageId, name: `Partner stage ${index}` }), 201);
      for (let i = 0; i < PER_NODE; i++) {
        const session = ok<{ id: string }>(
          await api.post(`${EVENT}/sessions`, {
            stageId,
            title: `Report ${index}.${i}`,
            kind: 'report',
            speakerIds: [],
            plannedStart: `2035-05-01T${10 + i}:00:00Z`,
            plannedEnd: `2035-05-01T${10 + i}:30:00Z`,
          }),
          201,
        );
        ok(await api.post(`${EVENT}/sessions/${session.id}/start`));
      }
    }

    // Done once the log says every message is delivered: an entry leaves the outbox before that is written.
    await waitFor(
      async () => {
        const log = ok<WebhookDeliveryRecord[]>(await admin.get(`${EVENT}/webhooks/${endpoint.id}/deliveries`));
        return log.length === 2 * PER_NODE && log.every((d) => d.status === 'delivered');
      },
      30_000,
      'every delivery logged as delivered',
    );
    const ids = new Set(receiver.received.map((r) => r.id));
    assert.equal(ids.size, 2 * PER_NODE, 'one message per change, not one per node');
    for (const id of ids) {
      assert.deepEqual(
        receiver.received.filter((r) => r.id === id).map((r) => r.status),
        [500, 200],
        `message ${id}: the first attempt and one retry, each sent by one node`,
      );
    }
    assert.ok(receiver.received.every((r) => r.verified));
    const titles = receiver.delivered().map((r) => (r.payload?.data as { title: string }).title);
    assert.equal(new Set(titles).size, 2 * PER_NODE);
    // Both nodes sent (each wakes at once for the changes it makes), and neither wrote the secret to its log.
    for (const node of nodes) {
      assert.match(node.output(), /"module":"WebhookDispatcher".*"msg":"attempt failed"/);
      assert.ok(!node.output().includes(endpoint.secret.slice('whsec_'.length)), 'the secret is never logged');
    }
  });

  it('an endpoint enabled again on one node clears the alert the other node raised when it disabled it', async () => {
    const receiver = teardown.own('a broken receiver', await WebhookReceiver.start(), (r) => r.close());
    receiver.answer = () => 503;
    const admins = nodes.map((node) => new ApiClient(node.url).as(tokenFor('admin')));
    const endpoint = ok<{ id: string }>(await admins[0].post(`${EVENT}/webhooks`, { url: receiver.url, types: ['session.started'] }), 201);
    ok(await admins[0].post(`${EVENT}/stages`, { id: 'hooks-broken', name: 'Partner stage, broken receiver' }), 201);
    const session = ok<{ id: string }>(
      await admins[0].post(`${EVENT}/sessions`, {
        stageId: 'hooks-broken',
        title: 'Report to a broken receiver',
        kind: 'report',
        speakerIds: [],
        plannedStart: '2035-06-01T10:00:00Z',
        plannedEnd: '2035-06-01T10:30:00Z',
      }),
      201,
    );
    ok(await admins[0].post(`${EVENT}/sessions/${session.id}/start`));

    const subject = `webhook:${endpoint.id}`;
    const alertOpenOn = async (admin: ApiClient): Promise<boolean> =>
      ok<{ subject: string }[]>(await admin.get('/api/health/alerts')).some((a) => a.subject === subject);
    // The node that made the 40th failed attempt disabled the endpoint and raised the alert.
    const raiser = await waitFor(
      async () => {
        for (const [index, admin] of admins.entries()) if (await alertOpenOn(admin)) return index;
        return undefined;
      },
      30_000,
      'the endpoint disabled and its alert raised on one node',
    );
    const other = admins[1 - raiser];
    ok(await other.patch(`${EVENT}/webhooks/${endpoint.id}`, { enabled: true }));
    await waitFor(
      async () => ((await alertOpenOn(admins[raiser])) ? undefined : true),
      15_000,
      'the alert cleared on the node that raised it',
    );
    assert.equal(await alertOpenOn(other), false);
  });
});
