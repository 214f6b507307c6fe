import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ConferenceBus, UNCLAIMED_CHANGE_MS } from '../../../server/conference/ConferenceBus';
import type { AlertEngineEvents } from '../../../server/ops/AlertEngine';
import type { Store } from '../../../server/store';
import type { QuestionRecord } from '../../../server/store/records';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { WebhookEndpoints } from '../../../server/webhooks/WebhookEndpoints';
import { Webhooks } from '../../../server/webhooks/Webhooks';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';
import { WebhookReceiver } from '../../helpers/webhookReceiver';

const silent = pino({ level: 'silent' });

const question: QuestionRecord = {
  id: 'q1',
  eventId: 'ev1',
  sessionId: 's1',
  text: 'Who owns the patent?',
  authorId: 'p1',
  authorName: 'Ada',
  status: 'approved',
  pinned: false,
  createdAt: '2026-12-03T09:00:00.000Z',
};

/** A node's partner webhooks over `store`, with none of its own changes or alerts to follow. */
function webhooksOn(store: Store): Webhooks {
  const webhooks = new Webhooks(
    store,
    {
      allowPrivate: true,
      timeoutMs: 5000,
      leaseMs: 2000,
      pollMs: 100,
      disableAfterFailures: 50,
      batch: 32,
      retry: { baseDelayMs: 100, maxDelayMs: 1000, giveUpAfterMs: 60_000 },
      rotationOverlapMs: 0,
    },
    () => undefined,
    silent,
  );
  webhooks.start({
    bus: new ConferenceBus(),
    alerts: Object.assign(new EventEmitter<AlertEngineEvents>(), { webhookAlertsOpen: () => [], webhookEndpointEnabled: () => undefined }),
    stages: new EventEmitter(),
    isOrigin: () => true,
  });
  return webhooks;
}

/**
 * A node commits a change (the record and its report in one write) and dies before making a message of
 * it: nothing of this node's webhooks runs. `successor` opens the store as the next node (or the
 * restarted one) would; its dispatcher takes the change up and delivers it, once.
 */
function committedChangeSurvives(open: () => Promise<{ writer: Store; successor: () => Promise<Store> }>): void {
  const teardown = new Teardown();
  afterEach(() => teardown.run());

  it('a change committed by a node that died before making a message of it is delivered by the next one, once', async function () {
    this.timeout(UNCLAIMED_CHANGE_MS + 30_000);
    const receiver = teardown.own('the receiver', await WebhookReceiver.start(), (r) => r.close());
    const { writer, successor } = await open();
    const endpoint = await new WebhookEndpoints(writer, { allowPrivate: true, rotationOverlapMs: 0 }).create(
      'ev1',
      { url: receiver.url, types: ['question.approved'] },
      { id: 'admin', role: 'admin', eventId: 'ev1', name: 'Admin', tokenId: 't', expiresAtMs: Date.now() + 60_000, anonymous: false },
    );
    receiver.secret = endpoint.secret;

    const heard: string[] = [];
    const bus = new ConferenceBus();
    bus.on('questionstatus', ({ question: q }) => heard.push(q.id));
    await bus.commit((outbox) => writer.collection('questions').put(question, outbox), {
      event: 'questionstatus',
      payload: { question, previous: 'pending' },
    });
    assert.deepEqual(heard, ['q1'], 'the node heard its change once it was written');
    assert.equal((await writer.collection('questions').get('s1', 'q1'))?.status, 'approved');
    assert.equal(await writer.outbox.size(), 1, 'the report was written with the change');
    await writer.close();

    const next = teardown.own('the next node', await successor(), (s) => s.close());
    const committedAt = Date.now();
    teardown.own('its webhooks', webhooksOn(next), (w) => w.close());
    await receiver.waitFor(
      'the approved question',
      (r) => r.some((m) => m.payload?.type === 'question.approved'),
      UNCLAIMED_CHANGE_MS + 20_000,
    );
    assert.ok(Date.now() - committedAt >= UNCLAIMED_CHANGE_MS - 1000, 'taken up only once the writer could no longer have done it');
    await waitFor(async () => (await next.outbox.size()) === 0, { what: 'the outbox to empty', timeoutMs: 10_000 });
    const [message] = receiver.received;
    assert.equal(receiver.received.length, 1, 'delivered once');
    assert.ok(message?.verified);
    assert.deepEqual((message.payload?.data as { id: string; previousStatus: string }).id, 'q1');
  });
}

describe('committed changes survive the death of the node that wrote them: SQLite (a restart)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-committed-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  committedChangeSurvives(async () => {
    const file = path.join(dir, 'stagecast.db');
    return { writer: new SqliteStore(file), successor: async () => new SqliteStore(file) };
  });
});

describe('committed changes survive the death of the node that wrote them: Redis (another node)', () => {
  const teardown = new Teardown();
  let redis: RedisServer;
  before(async () => {
    redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
  });
  after(() => teardown.run());
  committedChangeSurvives(async () => {
    const options = { url: redis.url, commandTimeoutMs: 2000, keyPrefix: 'committed:' };
    return { writer: new RedisStore(options), successor: async () => new RedisStore(options) };
  });
});
