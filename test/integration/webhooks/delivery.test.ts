import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryRecord } from '../../../server/store/integrationRecords';
import type { RecordingRecord } from '../../../server/store/records';
import type { WebhookEndpointView } from '../../../server/webhooks/WebhookEndpoints';
import { sendWebhook } from '../../../server/webhooks/sender';
import { waitFor } from '../../../scripts/lib/wait';
import { ApiClient, ok } from '../../helpers/api';
import { connect, startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { WebhookReceiver } from '../../helpers/webhookReceiver';
import { createOrganisation, DESK, inviteDelegate, slotTime } from '../desk/deskParties';

const EVENT = '/api/events/demo';
/** Quick retries, a short lease: the policy's shape with test-sized numbers. */
const FAST_RETRIES = {
  ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_DELAY_MS: '200',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_LEASE_MS: '4000',
  WEBHOOK_DISABLE_AFTER_FAILURES: '3',
};

type Created = WebhookEndpointView & { secret: string };

describe('partner webhooks on one node', function () {
  const commitRecording = (recording: RecordingRecord): Promise<void> =>
    stagecast.node.conference.bus.commit((outbox) => stagecast.node.store.collection('recordings').put(recording, outbox), {
      event: 'recordingready',
      payload: recording,
    });

  this.timeout(60_000);
  const teardown = new Teardown();
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let host: ApiClient;

  before(async () => {
    stagecast = teardown.own('the node', await startStagecast(FAST_RETRIES), (s) => s.stop());
    anonymous = new ApiClient(stagecast.url);
    admin = anonymous.as(tokenFor('admin'));
    host = anonymous.as(tokenFor('host'));
  });
  after(() => teardown.run());

  async function endpointFor(receiver: WebhookReceiver, types: string[] = []): Promise<Created> {
    const created = ok<Created>(await admin.post(`${EVENT}/webhooks`, { url: receiver.url, types, description: 'partner' }), 201);
    receiver.secret = created.secret;
    return created;
  }

  it('delivers every event type, signed so that the library verifies it, with per-stage sequence numbers', async () => {
    const receiver = teardown.own('a receiver', await WebhookReceiver.start(), (r) => r.close());
    const endpoint = await endpointFor(receiver);
    assert.match(endpoint.secret, /^whsec_/);
    assert.ok(!('secret' in ok<WebhookEndpointView[]>(await admin.get(`${EVENT}/webhooks`))[0]), 'listings never show the secret');

    // A stage of its own with two sessions: live, replaced, ended.
    ok(await admin.post(`${EVENT}/stages`, { id: 'hooks', name: 'Partner stage' }), 201);
    const session = async (title: string, hour: number): Promise<{ id: string }> =>
      ok(
        await host.post(`${EVENT}/sessions`, {
          stageId: 'hooks',
          title,
          kind: 'report',
          speakerIds: [],
          plannedStart: `2035-05-01T${hour}:00:00Z`,
          plannedEnd: `2035-05-01T${hour}:30:00Z`,
        }),
        201,
      );
    const first = await session('Opening report', 10);
    const second = await session('Industry keynote', 11);
    ok(await host.post(`${EVENT}/sessions/${first.id}/start`));
    ok(await host.post(`${EVENT}/sessions/${second.id}/start`));
    const attendee = anonymous.as(tokenFor('attendee'));
    const moderator = anonymous.as(tokenFor('moderator'));
    const question = ok<{ id: string }>(await attendee.post(`${EVENT}/sessions/${second.id}/questions`, { text: 'Licensing terms?' }), 201);
    ok(await moderator.post(`${EVENT}/sessions/${second.id}/questions/${question.id}/moderate`, { action: 'approve' }));
    ok(await moderator.post(`${EVENT}/sessions/${second.id}/questions/${question.id}/moderate`, { action: 'answer' }));
    const hand = ok<{ id: string }>(
      await anonymous.as(tokenFor('attendee', 'demo', 'Guest')).post(`${EVENT}/sessions/${second.id}/hands`),
      201,
    );
    ok(await moderator.post(`${EVENT}/sessions/${second.id}/hands/${hand.id}/answer`, { action: 'accept' }));
    // Accepted twice: announced once.
    ok(await moderator.post(`${EVENT}/sessions/${second.id}/hands/${hand.id}/answer`, { action: 'accept' }));
    // A hall encoder's feed connects and goes.
    ok(await admin.post(`${EVENT}/stages/hooks/ingest`, { videoCodec: 'VP8' }), 201);
    stagecast.node.media.existingStage('demo/hooks')?.closeSource('onsite');
    ok(await host.post(`${EVENT}/sessions/${second.id}/end`));

    // The desk: a meeting requested, accepted, cancelled; another declined; an agreement signed.
    const university = await createOrganisation(host, 'Webhook University', 'university', ['optics']);
    const company = await createOrganisation(host, 'Webhook Optics Co.', 'enterprise', ['optics']);
    const teacher = await inviteDelegate(host, anonymous, university, 'Prof. Hook');
    const buyer = await inviteDelegate(host, anonymous, company, 'Ms. Partner');
    const slots = ok<{ id: string }[]>(
      await teacher.api.post(`${DESK}/slots`, {
        slots: [
          { ...slotTime(1), mode: 'online' },
          { ...slotTime(2), mode: 'online' },
        ],
      }),
      201,
    );
    const meeting = ok<{ id: string }>(await buyer.api.post(`${DESK}/meetings`, { slotId: slots[0].id }), 201);
    ok(await teacher.api.post(`${DESK}/meetings/${meeting.id}/answer`, { action: 'accept' }));
    ok(await buyer.api.post(`${DESK}/meetings/${meeting.id}/cancel`, { note: 'Train delayed' }));
    const other = ok<{ id: string }>(await buyer.api.post(`${DESK}/meetings`, { slotId: slots[1].id }), 201);
    ok(await teacher.api.post(`${DESK}/meetings/${other.id}/answer`, { action: 'decline' }));
    const achievement = ok<{ id: string }>(
      await host.post(`${EVENT}/achievements`, {
        title: 'Hooked lens',
        institution: university.name,
        field: 'optics',
        summary: '',
        contact: '',
        sessionId: null,
        organisationId: university.id,
      }),
      201,
    );
    ok(await host.post(`${DESK}/agreements`, { achievementId: achievement.id, companyOrganisationId: company.id, type: 'licence' }), 201);

    // Ops: an alert raised and cleared (an endpoint's own alert is the one rule raised by call, not by samples).
    stagecast.node.ops.alerts.webhookEndpointDisabled({
      id: 'feedfacefeedface',
      eventId: 'demo',
      url: receiver.url,
      consecutiveFailures: 9,
    });
    stagecast.node.ops.alerts.webhookEndpointEnabled('feedfacefeedface');
    // A recording made ready (the recorder is off in tests: its write and announcement, as the recorder makes them).
    const recording: RecordingRecord = {
      id: second.id,
      eventId: 'demo',
      stageId: 'hooks',
      title: 'Industry keynote',
      nodeId: 'test',
      status: 'ready',
      startedAt: new Date().toISOString(),
      endedAt: new Date().toISOString(),
      durationS: 60,
      bytes: 1000,
      partial: false,
      problem: null,
    };
    await commitRecording(recording);

    await receiver.waitFor('every event type', () =>
      WEBHOOK_EVENT_TYPES.every((t) => receiver.delivered().some((r) => r.payload?.type === t)),
    );
    assert.ok(
      receiver.received.every((r) => r.verified),
      'every request verified',
    );
    const types = receiver.delivered().map((r) => r.payload?.type);
    for (const type of ['stage.live', 'stage.ended', 'question.approved', 'hand.accepted', 'agreement.signed']) {
      assert.equal(types.filter((t) => t === type).length, 1, `${type} once`);
    }
    assert.equal(types.filter((t) => t === 'session.ended').length, 2, 'the replaced session and the last one');

    // One counter per stage across every type: 1, 2, 3 … with no gap and no repeat.
    const sequences = receiver
      .delivered()
      .filter((r) => r.payload?.stageId === 'hooks')
      .map((r) => r.payload?.sequence ?? 0)
      .sort((a, b) => a - b);
    assert.deepEqual(
      sequences,
      sequences.map((_, i) => i + 1),
    );

    // A body changed on the way fails verification.
    const sample = receiver.delivered()[0];
    const headers = { 'webhook-id': sample.id, 'webhook-timestamp': sample.timestamp, 'webhook-signature': sample.signature };
    new Webhook(endpoint.secret).verify(sample.body, headers);
    assert.throws(() => new Webhook(endpoint.secret).verify(sample.body.replace('"demo"', '"dem0"'), headers));
  });

  it('retries a receiver that answers 500, 500, then 200: delivered at the third attempt, with the same webhook-id', async () => {
    const receiver = teardown.own('a flaky receiver', await WebhookReceiver.start(), (r) => r.close());
    receiver.answer = (id, before) => (before.filter((r) => r.id === id).length < 2 ? 500 : 200);
    const endpoint = await endpointFor(receiver, ['alert.raised']);
    stagecast.node.ops.alerts.webhookEndpointDisabled({
      id: 'cafecafecafecafe',
      eventId: 'demo',
      url: receiver.url,
      consecutiveFailures: 9,
    });
    await receiver.waitFor('a delivery', (r) => r.some((x) => x.status === 200));
    assert.deepEqual(
      receiver.received.map((r) => r.status),
      [500, 500, 200],
    );
    assert.equal(new Set(receiver.received.map((r) => r.id)).size, 1, 'one webhook-id for every attempt');
    assert.ok(receiver.received.every((r) => r.verified));
    const log = await waitForLog(endpoint.id, (d) => d.status === 'delivered');
    assert.equal(log.attempts, 3);
    assert.equal(log.messageId, receiver.received[0].id);
    const endpoints = ok<WebhookEndpointView[]>(await admin.get(`${EVENT}/webhooks`));
    assert.equal(endpoints.find((e) => e.id === endpoint.id)?.consecutiveFailures, 0, 'a delivery resets the failures in a row');

    // "Send again": the same message, the same webhook-id.
    ok(await admin.post(`${EVENT}/webhooks/${endpoint.id}/deliveries/${log.id}/redeliver`), 202);
    await receiver.waitFor('the redelivery', (r) => r.length === 4);
    assert.equal(receiver.received[3].id, log.messageId);
    assert.equal(receiver.received[3].body, receiver.received[0].body);
  });

  it('keeps a body within 64 KB: a change with more data is sent without it, marked truncated', async () => {
    const receiver = teardown.own('a receiver of recordings', await WebhookReceiver.start(), (r) => r.close());
    await endpointFor(receiver, ['recording.ready']);
    const huge = 'x'.repeat(70 * 1024);
    await commitRecording({
      id: 'big',
      eventId: 'demo',
      stageId: 'keynote',
      title: huge,
      nodeId: 'test',
      status: 'ready',
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationS: null,
      bytes: null,
      partial: false,
      problem: null,
    });
    await receiver.waitFor('the recording message', (r) => r.length > 0);
    const [message] = receiver.received;
    assert.ok(message?.verified);
    assert.ok(Buffer.byteLength(message.body) <= 64 * 1024);
    assert.equal(message.payload?.data, null);
    assert.equal((message.payload as { truncated?: boolean } | null)?.truncated, true);
    assert.equal(message.payload?.type, 'recording.ready');
  });

  it('disables an endpoint after failing too often in a row, and raises an ops alert', async () => {
    const receiver = teardown.own('a broken receiver', await WebhookReceiver.start(), (r) => r.close());
    receiver.answer = () => 503;
    const endpoint = await endpointFor(receiver, ['alert.raised']);
    stagecast.node.ops.alerts.webhookEndpointDisabled({
      id: 'beefbeefbeefbeef',
      eventId: 'demo',
      url: receiver.url,
      consecutiveFailures: 9,
    });
    const disabled = await waitForEndpoint(endpoint.id, (e) => !e.enabled);
    assert.equal(disabled.consecutiveFailures, 3);
    assert.match(disabled.disabledReason ?? '', /3 failed attempts/);
    const alert = stagecast.node.ops.alerts.openAlerts('demo').find((a) => a.subject === `webhook:${endpoint.id}`);
    assert.equal(alert?.rule, 'webhook_disabled');
    assert.equal(alert?.severity, 'critical');
    // Enabled again by an admin: the alert clears and the count starts over.
    const enabled = ok<WebhookEndpointView>(await admin.patch(`${EVENT}/webhooks/${endpoint.id}`, { enabled: true }));
    assert.equal(enabled.consecutiveFailures, 0);
    assert.equal(
      stagecast.node.ops.alerts.openAlerts('demo').some((a) => a.subject === `webhook:${endpoint.id}`),
      false,
    );
  });

  it('API keys: accepted as bearer credentials on REST and sockets, last use recorded, refused at once when revoked', async () => {
    const created = ok<{ id: string; key: string; role: string }>(
      await admin.post(`${EVENT}/api-keys`, { role: 'admin', label: 'Provincial platform' }),
      201,
    );
    assert.match(created.key, /^sck_demo\.[0-9a-f]{16}\.[0-9a-f]{64}$/);
    const partner = anonymous.as(created.key);
    ok(await partner.get(`${EVENT}/webhooks`));
    const socket = await connect(stagecast.url, created.key);
    teardown.add('the partner socket', () => socket.close());
    const listed = ok<{ id: string; lastUsedAt: string | null; secretHash?: string }[]>(await admin.get(`${EVENT}/api-keys`));
    const mine = listed.find((k) => k.id === created.id);
    assert.ok(mine?.lastUsedAt, 'last use recorded');
    assert.equal(mine?.secretHash, undefined, 'never the hash');
    // A key of a weaker role is held to that role.
    const moderatorKey = ok<{ key: string }>(await admin.post(`${EVENT}/api-keys`, { role: 'moderator', label: 'Q&A wall' }), 201);
    assert.equal((await anonymous.as(moderatorKey.key).get(`${EVENT}/webhooks`)).status, 403);

    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    ok(await admin.delete(`${EVENT}/api-keys/${created.id}`));
    assert.equal((await partner.get(`${EVENT}/webhooks`)).status, 401);
    await disconnected;
    assert.equal((await anonymous.as(`${created.key.slice(0, -1)}0`).get(`${EVENT}/webhooks`)).status, 401);
  });

  it("forgets a deleted event's API keys, stream keys and endpoints: an event created again under its id inherits none", async () => {
    const platform = anonymous.as(tokenFor('admin', '*'));
    const event = { id: 'gone', name: 'Gone', isPublic: false, timezone: 'UTC' };
    ok(await platform.post('/api/events', event), 201);
    const goneAdmin = anonymous.as(tokenFor('admin', 'gone'));
    const { key } = ok<{ key: string }>(await goneAdmin.post('/api/events/gone/api-keys', { role: 'admin', label: 'Old partner' }), 201);
    ok(await goneAdmin.post('/api/events/gone/webhooks', { url: 'http://127.0.0.1:9/old' }), 201);
    ok(await goneAdmin.post('/api/events/gone/stages', { id: 'hall', name: 'Hall' }), 201);
    const streamKey = ok<{ key: string }>(await goneAdmin.post('/api/events/gone/stages/hall/stream-keys', { label: 'OBS' }), 201).key;
    ok(await platform.delete('/api/events/gone'), 204);
    ok(await platform.post('/api/events', event), 201);
    ok(await goneAdmin.post('/api/events/gone/stages', { id: 'hall', name: 'Hall' }), 201);
    assert.deepEqual(ok(await goneAdmin.get('/api/events/gone/stages/hall/stream-keys')), []);
    const whip = await fetch(`${stagecast.url}/whip/gone/hall`, {
      method: 'POST',
      headers: { authorization: `Bearer ${streamKey}`, 'content-type': 'application/sdp' },
      body: 'v=0\r\n',
    });
    assert.equal(whip.status, 401, "the old event's stream key publishes nothing");
    assert.equal((await anonymous.as(key).get('/api/events/gone/webhooks')).status, 401);
    assert.deepEqual(ok(await goneAdmin.get('/api/events/gone/webhooks')), []);
    assert.deepEqual(ok(await goneAdmin.get('/api/events/gone/api-keys')), []);
  });

  async function waitForLog(endpointId: string, match: (d: WebhookDeliveryRecord) => boolean): Promise<WebhookDeliveryRecord> {
    return waitFor(
      async () => ok<WebhookDeliveryRecord[]>(await admin.get(`${EVENT}/webhooks/${endpointId}/deliveries`)).find(match),
      20_000,
      'a delivery log entry',
    );
  }

  async function waitForEndpoint(endpointId: string, match: (e: WebhookEndpointView) => boolean): Promise<WebhookEndpointView> {
    return waitFor(
      async () => ok<WebhookEndpointView[]>(await admin.get(`${EVENT}/webhooks`)).find((e) => e.id === endpointId && match(e)),
      20_000,
      'the endpoint to change',
    );
  }
});

describe('webhook targets: loopback refused unless allowed, redirects never followed', function () {
  this.timeout(60_000);
  const teardown = new Teardown();
  after(() => teardown.run());

  it('refuses an endpoint on 127.0.0.1 when private targets are not allowed, and an attempt there connects nowhere', async () => {
    const stagecast = teardown.own('the node', await startStagecast(), (s) => s.stop());
    const receiver = teardown.own('a receiver', await WebhookReceiver.start(), (r) => r.close());
    const admin = new ApiClient(stagecast.url).as(tokenFor('admin'));
    const refused = await admin.post(`${EVENT}/webhooks`, { url: receiver.url });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /127\.0\.0\.1/);
    const localhost = await admin.post(`${EVENT}/webhooks`, { url: receiver.url.replace('127.0.0.1', 'localhost') });
    assert.equal(localhost.status, 400);
    const outcome = await sendWebhook(receiver.url, '{}', {}, { timeoutMs: 2000, allowPrivate: false });
    assert.ok(!outcome.ok && /127\.0\.0\.1/.test(outcome.error));
    assert.equal(receiver.received.length, 0, 'nothing reached the receiver');
  });

  it('does not follow a redirect to 127.0.0.1: the attempt fails and the target hears nothing', async () => {
    const target = teardown.own('the redirect target', await WebhookReceiver.start(), (r) => r.close());
    const bouncer = teardown.own('a redirecting receiver', await WebhookReceiver.start(), (r) => r.close());
    bouncer.redirectTo = target.url;
    // Allowed here only so the first hop (also on loopback, as every test target is) is reached at all.
    const outcome = await sendWebhook(bouncer.url, '{}', {}, { timeoutMs: 2000, allowPrivate: true });
    assert.deepEqual(outcome, { ok: false, status: 307, error: 'redirect (307) not followed' });
    assert.equal(bouncer.received.length, 1);
    assert.equal(target.received.length, 0);
  });
});
