import assert from 'node:assert/strict';
import { ERROR_CODES } from '../../../server/errors';
import { startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { hostileOffers, validOffer } from '../../helpers/whipOffers';

type Node = Awaited<ReturnType<typeof startStagecast>>;

interface CreatedKey {
  id: string;
  key: string;
  sourceId: string;
  feed: string | null;
  whipPath: string;
}

describe('WHIP ingest with stream keys', function () {
  this.timeout(30_000);
  const teardown = new Teardown();
  let node: Node;

  before(async () => {
    node = teardown.own('the node', await startStagecast({ INGEST_TAKEOVER_MS: '1500' }), (n) => n.stop());
  });
  after(() => teardown.run());

  async function createKey(body: object = {}, stage = 'keynote', token = tokenFor('host')): Promise<CreatedKey> {
    const res = await fetch(`${node.url}/api/events/demo/stages/${stage}/stream-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as CreatedKey;
  }

  function whip(path: string, key: string | null, sdp: string, init: { contentType?: string } = {}): Promise<Response> {
    return fetch(`${node.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': init.contentType ?? 'application/sdp', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body: sdp,
    });
  }

  /** Transports and producers on the stage's origin router, and the stages open: what a refused offer must not change. */
  async function mediaCounts(): Promise<{ stages: number; transports: number; producers: number }> {
    const stage = node.node.media.existingStage('demo/keynote');
    const dump = (stage ? await stage.origin.dump() : { transportIds: [], mapProducerIdConsumerIds: {} }) as {
      transportIds: string[];
      mapProducerIdConsumerIds: Record<string, string[]>;
    };
    return {
      stages: node.node.media.stages.size,
      transports: dump.transportIds.length,
      producers: Object.keys(dump.mapProducerIdConsumerIds).length,
    };
  }

  async function deleteSession(location: string, key: string): Promise<Response> {
    return fetch(`${node.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  }

  it('creates, lists and revokes stream keys; the secret is shown once and stored hashed', async () => {
    const created = await createKey({ feed: 'cam2', label: 'OBS, desk 2' });
    assert.match(created.key, /^demo\.[0-9a-f]{16}\.[0-9a-f]{64}$/);
    assert.equal(created.sourceId, 'onsite-cam2');
    assert.equal(created.whipPath, '/whip/demo/keynote');
    const stored = await node.node.store.collection('streamKeys').get('demo', created.id);
    assert.ok(stored, 'the key is stored');
    assert.ok(!JSON.stringify(stored).includes(created.key.split('.')[2] ?? 'x'), 'the secret itself is not stored');
    const list = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys`, {
      headers: { authorization: `Bearer ${tokenFor('ops')}` },
    });
    const keys = (await list.json()) as Record<string, unknown>[];
    const listed = keys.find((k) => k.id === created.id);
    assert.ok(listed);
    assert.equal(listed.key, undefined);
    assert.equal(listed.secretHash, undefined);
    const revoked = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys/${created.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokenFor('admin')}` },
    });
    assert.equal(revoked.status, 200);
    assert.notEqual(((await revoked.json()) as { revokedAt: string | null }).revokedAt, null);
    assert.equal((await whip('/whip/demo/keynote', created.key, validOffer())).status, 401);
  });

  it('refuses stream key management to attendees, speakers and moderators', async () => {
    for (const role of ['attendee', 'speaker', 'moderator'] as const) {
      const res = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
        body: '{}',
      });
      assert.equal(res.status, 403, role);
    }
  });

  it('answers an offer with 201, Location and an ICE-lite answer; the feed becomes a stage source; DELETE ends it', async () => {
    const { key } = await createKey();
    const res = await whip('/whip/demo/keynote', key, validOffer({ video: 'H264' }));
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/sdp');
    const location = res.headers.get('location');
    assert.match(location ?? '', /^\/whip\/demo\/keynote\/[0-9a-f-]{36}$/);
    const answer = await res.text();
    for (const line of ['a=ice-lite', 'a=group:BUNDLE 0 1', 'a=setup:passive', 'a=rtcp-mux', 'a=recvonly', 'a=end-of-candidates']) {
      assert.ok(answer.includes(`${line}\r\n`), `answer has ${line}`);
    }
    assert.match(answer, /a=rtpmap:102 H264\/90000\r\n/);
    assert.match(answer, /a=fmtp:102 .*packetization-mode=1/);
    assert.match(answer, /a=rtpmap:111 opus\/48000\/2\r\n/);
    assert.match(answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    assert.ok(!answer.includes('PCMU'), 'only the chosen audio codec is answered');
    const stage = node.node.media.existingStage('demo/keynote');
    const source = stage?.sources.find((s) => s.id === 'onsite');
    assert.ok(source, 'the main feed is a source of the stage');
    assert.equal(source.kind, 'onsite');
    assert.deepEqual(source.producers.map((p) => p.kind).sort(), ['audio', 'video']);

    assert.equal((await fetch(`${node.url}${location}`, { method: 'PATCH', body: 'a=end-of-candidates' })).status, 405);
    assert.equal((await deleteSession(location ?? '', 'demo.0000000000000000.' + '0'.repeat(64))).status, 401);
    const ended = await deleteSession(location ?? '', key);
    assert.equal(ended.status, 200);
    assert.equal(
      stage?.sources.find((s) => s.id === 'onsite'),
      undefined,
      'the source is gone',
    );
    assert.equal((await deleteSession(location ?? '', key)).status, 404);
  });

  it('answers CORS preflights for browser encoders', async () => {
    const res = await fetch(`${node.url}/whip/demo/keynote`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://encoder.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Location/);
  });

  it('refuses a second encoder on a live feed with 409, and lets one take over a silent feed', async () => {
    const { key } = await createKey({ feed: 'lock' });
    const first = await whip('/whip/demo/keynote', key, validOffer());
    assert.equal(first.status, 201);
    const second = await whip('/whip/demo/keynote', key, validOffer());
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'conflict');
    // The first never sends media (no ICE from this test): once silent for INGEST_TAKEOVER_MS a new encoder gets in.
    const { waitFor } = await import('../../helpers/net');
    const third = await waitFor(
      async () => {
        const res = await whip('/whip/demo/keynote', key, validOffer());
        return res.status === 201 ? res : undefined;
      },
      { what: 'a takeover of the silent feed', timeoutMs: 10_000, intervalMs: 300 },
    );
    const stage = node.node.media.existingStage('demo/keynote');
    assert.equal(stage?.sources.filter((s) => s.id === 'onsite-lock').length, 1);
    assert.equal((await deleteSession(first.headers.get('location') ?? '', key)).status, 404, 'the silent session was ended');
    assert.equal((await deleteSession(third.headers.get('location') ?? '', key)).status, 200);
  });

  it('revoking a key ends the encoder publishing with it', async () => {
    const created = await createKey({ feed: 'rev' });
    assert.equal((await whip('/whip/demo/keynote', created.key, validOffer())).status, 201);
    const stage = node.node.media.existingStage('demo/keynote');
    assert.ok(stage?.sources.some((s) => s.id === 'onsite-rev'));
    const res = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys/${created.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokenFor('host')}` },
    });
    assert.equal(((await res.json()) as { endedSessions: number }).endedSessions, 1);
    assert.ok(!stage?.sources.some((s) => s.id === 'onsite-rev'));
  });

  it('refuses wrong, foreign, expired and missing keys, other content types and oversize bodies, opening nothing', async () => {
    const { key } = await createKey();
    const other = await createKey({}, 'release');
    const before = await mediaCounts();
    const wrongSecret = key.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const refusals: [string, Promise<Response>, number][] = [
      ['no key', whip('/whip/demo/keynote', null, validOffer()), 401],
      ['garbage key', whip('/whip/demo/keynote', 'not-a-key', validOffer()), 401],
      ['wrong secret', whip('/whip/demo/keynote', wrongSecret, validOffer()), 401],
      ['key of another stage', whip('/whip/demo/keynote', other.key, validOffer()), 401],
      ['unknown event in the URL', whip('/whip/nope/keynote', key, validOffer()), 401],
      ['bad stage id', whip('/whip/demo/Not_A_Slug', key, validOffer()), 400],
      ['JSON body', whip('/whip/demo/keynote', key, '{}', { contentType: 'application/json' }), 400],
      ['oversize offer', whip('/whip/demo/keynote', key, validOffer() + `a=x-pad:${'p'.repeat(40_000)}\r\n`), 413],
      ['GET on the endpoint', fetch(`${node.url}/whip/demo/keynote`), 405],
    ];
    for (const [what, pending, status] of refusals) {
      const res = await pending;
      assert.equal(res.status, status, what);
      const body = (await res.json()) as { error: { code: string } };
      assert.ok((ERROR_CODES as readonly string[]).includes(body.error.code), `${what}: ${body.error.code}`);
    }
    // An expired key: created already past its end by moving the record's expiry.
    const expiring = await createKey({ expiresInSeconds: 60 });
    const record = await node.node.store.collection('streamKeys').get('demo', expiring.id);
    assert.ok(record);
    await node.node.store.collection('streamKeys').put({ ...record, expiresAt: new Date(Date.now() - 1000).toISOString() });
    assert.equal((await whip('/whip/demo/keynote', expiring.key, validOffer())).status, 401);
    assert.deepEqual(await mediaCounts(), before);
  });

  it('answers each of over 100 hostile offers with a 4xx of the taxonomy, opening and leaving nothing', async () => {
    const { key } = await createKey({ feed: 'fuzz' });
    const offers = hostileOffers();
    assert.ok(offers.length >= 100, `${offers.length} hostile offers`);
    const before = await mediaCounts();
    const accepted: string[] = [];
    for (const { name, sdp } of offers) {
      const res = await whip('/whip/demo/keynote', key, sdp);
      const text = await res.text();
      if (res.status < 400 || res.status >= 500) {
        accepted.push(`${name}: ${res.status} ${text.slice(0, 120)}`);
        continue;
      }
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      assert.ok((ERROR_CODES as readonly string[]).includes(body.error.code), `${name}: ${body.error.code}`);
    }
    assert.deepEqual(accepted, [], 'every hostile offer is refused with a 4xx');
    assert.deepEqual(await mediaCounts(), before);
    // And the endpoint still serves.
    const res = await whip('/whip/demo/keynote', key, validOffer());
    assert.equal(res.status, 201);
    assert.equal((await deleteSession(res.headers.get('location') ?? '', key)).status, 200);
  });
});
