import assert from 'node:assert/strict';
import type { Role } from '../../../server/auth/tokens';
import type { AlertRecord, HealthSampleView, UplinkWarning } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { healthSample, sourceHealth, stageHealth } from '../../helpers/healthSamples';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, rawRequest, request, startStagecast, testSigner, tokenFor } from '../../helpers/stagecast';

const HEALTH_ROLES: readonly Role[] = ['ops', 'host', 'admin'];
const OTHER_ROLES: readonly Role[] = ['attendee', 'speaker', 'moderator'];

describe('Stream health access, event filtering and uplink warnings', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let api: ApiClient;
  const sockets: ClientSocket[] = [];

  async function socketAs(token: string): Promise<ClientSocket> {
    const socket = await connect(node.url, token);
    sockets.push(socket);
    return socket;
  }

  before(async () => {
    // No real sample during this file (the first would come after a minute): the samples are ours.
    node = await startStagecast({ HEALTH_SAMPLE_INTERVAL_MS: '60000', ALERT_SCORE_FOR_MS: '2000', ALERT_CLEAR_AFTER_MS: '0' });
    api = new ApiClient(node.url);
    // Sockets open only with a token of an event that exists.
    await node.node.conference.agenda.createEvent({ id: 'other-fair', name: 'Another fair', isPublic: false, timezone: 'UTC' });
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await node.stop();
  });

  it('only ops, hosts and admins read /api/health, its history and its alerts', async () => {
    for (const path of ['/api/health', '/api/health/history', '/api/health/alerts']) {
      failed(await api.get(path), 401, 'unauthorized');
      for (const role of OTHER_ROLES)
        assert.match(failed(await api.as(tokenFor(role)).get(path), 403, 'forbidden').message, new RegExp(role));
      for (const role of HEALTH_ROLES) ok(await api.as(tokenFor(role)).get(path));
    }
  });

  it('an attendee cannot subscribe to health; ops, hosts and admins can', async () => {
    for (const role of OTHER_ROLES) {
      const refused = await rawRequest(await socketAs(tokenFor(role)), 'subscribeHealth', {});
      assert.deepEqual(refused.ok ? null : refused.error.code, 'forbidden', role);
    }
    for (const role of HEALTH_ROLES) {
      const subscription = await request(await socketAs(tokenFor(role)), 'subscribeHealth', {});
      assert.equal(subscription.nodeId, node.node.ops.health.nodeId);
    }
  });

  it("pushes each sample to the event's subscribers with that event's stages only", async () => {
    const host = await socketAs(tokenFor('host'));
    const elsewhere = await socketAs(tokenFor('ops', 'other-fair'));
    const attendee = await socketAs(tokenFor('attendee'));
    const got = { host: [] as HealthSampleView[], elsewhere: [] as HealthSampleView[], attendee: 0 };
    host.on('healthSample', (s) => got.host.push(s));
    elsewhere.on('healthSample', (s) => got.elsewhere.push(s));
    attendee.on('healthSample', () => (got.attendee += 1));
    await request(host, 'subscribeHealth', {});
    await request(elsewhere, 'subscribeHealth', {});

    node.node.ops.health.emit(
      'sample',
      healthSample(Date.now(), [stageHealth('demo/keynote'), stageHealth('other-fair/main'), stageHealth('demo/release')]),
    );
    await waitFor(async () => (got.host.length > 0 && got.elsewhere.length > 0 ? true : undefined), 5000, 'samples pushed');
    assert.deepEqual(
      got.host[0].stages.map((s) => [s.eventId, s.stageId]),
      [
        ['demo', 'keynote'],
        ['demo', 'release'],
      ],
    );
    assert.deepEqual(
      got.elsewhere[0].stages.map((s) => s.key),
      ['other-fair/main'],
    );
    assert.equal(got.host[0].workers.length, 1, 'node and workers are shown to every event');
    assert.equal(got.attendee, 0);

    await request(host, 'unsubscribeHealth', {});
    node.node.ops.health.emit('sample', healthSample(Date.now(), [stageHealth('demo/keynote')]));
    await waitFor(async () => (got.elsewhere.length > 1 ? true : undefined), 5000, 'a second sample');
    assert.equal(got.host.length, 1, 'no more samples after unsubscribing');
  });

  it('tells a remote speaker whose uplink is poor, and the hosts get the alert to switch away', async () => {
    const speakerToken = tokenFor('speaker', 'demo', 'Dr. Remote');
    const participantId = testSigner.verify(speakerToken).id;
    const speaker = await socketAs(speakerToken);
    const bystander = await socketAs(tokenFor('attendee'));
    const host = await socketAs(tokenFor('host'));
    const warnings: UplinkWarning[] = [];
    let bystanderWarnings = 0;
    const alerts: AlertRecord[] = [];
    speaker.on('uplinkWarning', (w) => warnings.push(w));
    bystander.on('uplinkWarning', () => (bystanderWarnings += 1));
    host.on('alertRaised', (a) => alerts.push(a));
    await request(host, 'subscribeHealth', {});

    const sourceId = `camera:${participantId}`;
    const at = (ms: number, score: number) =>
      healthSample(Date.now() + ms, [
        stageHealth('demo/keynote', { sources: [sourceHealth({ id: sourceId, ownerId: participantId, score })] }),
      ]);
    node.node.ops.health.emit('sample', at(0, 2));
    node.node.ops.health.emit('sample', at(2500, 2));
    const poor = await waitFor(async () => warnings[0], 5000, 'an uplinkWarning to the speaker');
    assert.deepEqual([poor.level, poor.sourceId, poor.stageId, poor.reasons], ['poor', sourceId, 'keynote', ['low_score']]);
    const alert = await waitFor(async () => alerts.find((a) => a.rule === 'low_score'), 5000, 'the low_score alert at the host');
    assert.equal(alert.sourceId, sourceId);

    node.node.ops.health.emit('sample', at(3000, 10));
    await waitFor(async () => (warnings.length === 2 ? true : undefined), 5000, 'the all-clear');
    assert.equal(warnings[1].level, 'ok');
    assert.equal(bystanderWarnings, 0, 'nobody else hears of it');
  });
});
