import assert from 'node:assert/strict';
import { startStagecast, testSigner, tokenFor } from '../helpers/stagecast';

describe('REST: anonymous join and on-site ingest', function () {
  this.timeout(20_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;

  before(async () => {
    node = await startStagecast({ JOIN_RATE_LIMIT_PER_MINUTE: '5' });
    await node.node.store
      .collection('events')
      .put({ id: 'closed-door', name: 'Board meeting', isPublic: false, timezone: 'UTC', createdAt: new Date().toISOString() });
  });
  after(async () => node.stop());

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${node.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('gives anyone an attendee token for a public event', async () => {
    const res = await post('/api/events/demo/join', { name: 'Mei' });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { token: string; role: string; participantId: string };
    const principal = testSigner.verify(body.token);
    assert.deepEqual([principal.role, principal.eventId, principal.name, principal.id], ['attendee', 'demo', 'Mei', body.participantId]);
  });

  it('refuses private and unknown events, and bad names', async () => {
    // A private event answers an anonymous visitor exactly like one that does not exist.
    const privateAnswer = await post('/api/events/closed-door/join', {});
    const unknownAnswer = await post('/api/events/nope/join', {});
    assert.equal(privateAnswer.status, 404);
    assert.equal(unknownAnswer.status, 404);
    assert.deepEqual(await privateAnswer.json(), { error: { code: 'not_found', message: 'no event closed-door' } });
    assert.deepEqual(await unknownAnswer.json(), { error: { code: 'not_found', message: 'no event nope' } });
    const bad = await post('/api/events/demo/join', { name: 'x'.repeat(500), role: 'admin' });
    assert.equal(bad.status, 400);
    const error = ((await bad.json()) as { error: { code: string; details: { field: string }[] } }).error;
    assert.equal(error.code, 'bad_request');
    assert.deepEqual(error.details.map((d) => d.field).sort(), ['name', 'role']);
  });

  it('rate limits joins per client address with 429 rate_limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post('/api/events/demo/join', {})).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    const limited = await post('/api/events/demo/join', {});
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
  });

  it('opens the on-site feed for a host and says where to send RTP', async () => {
    const res = await post('/api/events/demo/stages/keynote/ingest', { videoCodec: 'H264' }, tokenFor('host'));
    assert.equal(res.status, 201);
    const target = (await res.json()) as {
      ip: string;
      video: { port: number; mimeType: string; ssrc: number };
      audio: { port: number; mimeType: string };
    };
    assert.equal(target.ip, '127.0.0.1');
    assert.equal(target.video.mimeType, 'video/H264');
    assert.equal(target.audio.mimeType, 'audio/opus');
    assert.ok(target.video.port > 0 && target.audio.port > 0 && target.video.ssrc > 0);
    const stage = node.node.media.existingStage('demo/keynote');
    assert.deepEqual(
      stage?.sources.map((s) => s.kind),
      ['onsite'],
    );
  });

  it('refuses the ingest to attendees, to other events, without a token, and for bad input', async () => {
    assert.equal((await post('/api/events/demo/stages/keynote/ingest', {}, tokenFor('attendee'))).status, 403);
    assert.equal((await post('/api/events/demo/stages/keynote/ingest', {}, tokenFor('host', 'other-event'))).status, 403);
    assert.equal((await post('/api/events/demo/stages/keynote/ingest', {})).status, 401);
    assert.equal((await post('/api/events/demo/stages/keynote/ingest', { videoCodec: 'AV1' }, tokenFor('ops'))).status, 400);
    assert.equal((await post('/api/events/demo/stages/nowhere/ingest', {}, tokenFor('ops'))).status, 404);
  });
});
