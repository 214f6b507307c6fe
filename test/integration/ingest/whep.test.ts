import assert from 'node:assert/strict';
import { parse } from 'sdp-transform';
import type { IngestTargetDto } from '../../../scripts/ffmpegIngest';
import { ERROR_CODES } from '../../../server/errors';
import { startEncoder } from '../../helpers/encoder';
import { waitFor } from '../../helpers/net';
import { startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { hostilePlayerOffers, playerOffer } from '../../helpers/whepOffers';

type Node = Awaited<ReturnType<typeof startStagecast>>;

/** WebRTC viewers the node seats: the admission test fills them. */
const SEATS = 4;

describe('WHEP playback of a stage program', function () {
  this.timeout(60_000);
  const teardown = new Teardown();
  let node: Node;

  before(async () => {
    node = teardown.own('the node', await startStagecast({ WEBRTC_VIEWER_BUDGET: String(SEATS) }), (n) => n.stop());
    // The hall feed: ffmpeg pushing a VP8 test pattern and a tone over RTP.
    const target = (await api('POST', '/api/events/demo/stages/keynote/ingest', {})) as IngestTargetDto;
    const encoder = startEncoder(target, { size: '320x180', videoBitrate: '300k' });
    teardown.add('the hall feed', () => encoder.stop());
  });
  after(() => teardown.run());

  async function api(method: string, path: string, body?: unknown, token = tokenFor('host')): Promise<unknown> {
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  function whep(path: string, sdp: string, init: { token?: string; contentType?: string } = {}): Promise<Response> {
    return fetch(`${node.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': init.contentType ?? 'application/sdp', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: sdp,
    });
  }

  function end(location: string, token?: string): Promise<Response> {
    return fetch(`${node.url}${location}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  /** Routers on every worker, transports on the keynote's origin, and WHEP sessions: what a refused offer must not change. */
  async function mediaCounts(): Promise<{ routers: number; originTransports: number; sessions: number }> {
    let routers = 0;
    for (const worker of node.node.workers.workers) routers += ((await worker.dump()) as { routerIds: string[] }).routerIds.length;
    const stage = node.node.media.existingStage('demo/keynote');
    const dump = (stage ? await stage.origin.dump() : { transportIds: [] }) as { transportIds: string[] };
    return { routers, originTransports: dump.transportIds.length, sessions: node.node.whep.sessionCount };
  }

  async function errorCode(res: Response): Promise<string> {
    const body = (await res.json()) as { error: { code: string } };
    assert.ok((ERROR_CODES as readonly string[]).includes(body.error.code), body.error.code);
    return body.error.code;
  }

  it('answers a player 201 with Location and a sendonly answer in its order and payload types; the feed relays the hall feed; DELETE ends it', async () => {
    await waitFor(async () => node.node.media.existingStage('demo/keynote')?.sources.some((s) => s.id === 'onsite') || undefined, {
      what: 'the hall feed on the stage',
      timeoutMs: 15_000,
    });
    const res = await whep('/whep/demo/keynote', playerOffer());
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/sdp');
    const location = res.headers.get('location') ?? '';
    assert.match(location, /^\/whep\/demo\/keynote\/[0-9a-f-]{36}$/);
    const answer = await res.text();
    for (const line of ['a=ice-lite', 'a=group:BUNDLE 0 1', 'a=setup:passive', 'a=rtcp-mux', 'a=sendonly', 'a=end-of-candidates']) {
      assert.ok(answer.includes(`${line}\r\n`), `answer has ${line}`);
    }
    const sections = parse(answer).media;
    assert.deepEqual(
      sections.map((m) => [m.type, String(m.mid), m.rtp.map((r) => `${r.payload} ${r.codec}`)]),
      [
        ['video', '0', ['96 VP8']],
        ['audio', '1', ['111 opus']],
      ],
      "the offer's order, mids and payload types; the program's codec (the hall feed's VP8)",
    );
    for (const section of sections) assert.equal(section.ssrcs?.length, 1, 'one SSRC per section, for the player to demultiplex by');
    assert.equal(node.node.whep.sessionCount, 1);
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 1);

    // The program feed follows the hall feed and its relay carries its packets.
    const feed = await waitFor(
      async () => {
        const found = node.node.whep.feeds().find((f) => f.stageKey === 'demo/keynote');
        return found && found.sourceId === 'onsite' && found.packetsRelayed > 50 ? found : undefined;
      },
      { what: 'the program feed relaying the hall feed', timeoutMs: 15_000 },
    );
    assert.deepEqual([feed.codec, feed.players], ['VP8', 1]);

    assert.equal((await fetch(`${node.url}${location}`, { method: 'PATCH', body: 'a=end-of-candidates' })).status, 405);
    assert.equal((await end(location)).status, 200);
    assert.equal(node.node.whep.sessionCount, 0);
    assert.deepEqual(node.node.whep.feeds(), [], 'the last player gone, the feed closes');
    assert.equal((await end(location)).status, 404);
  });

  it('answers audio first when the player offers it first, and H264 to a player that decodes only H264', async () => {
    const res = await whep('/whep/demo/keynote', playerOffer({ audioFirst: true, video: ['H264'] }));
    assert.equal(res.status, 201, await res.clone().text());
    const sections = parse(await res.text()).media;
    assert.deepEqual(
      sections.map((m) => [m.type, String(m.mid), m.rtp.map((r) => `${r.payload} ${r.codec}`)]),
      [
        ['audio', '0', ['111 opus']],
        ['video', '1', ['108 H264']],
      ],
    );
    assert.match(sections[1]?.fmtp.map((f) => String(f.config)).join() ?? '', /packetization-mode=1/);
    assert.equal((await end(res.headers.get('location') ?? '')).status, 200);
  });

  it('answers CORS preflights for browser players', async () => {
    const res = await fetch(`${node.url}/whep/demo/keynote`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Location/);
  });

  it("plays a private event's stage only with a viewer token of that event; its session ends only with that token", async () => {
    const platform = tokenFor('admin', '*');
    await api(
      'POST',
      '/api/events',
      { id: 'closed-door', name: 'Closed-door review', isPublic: false, timezone: 'Asia/Shanghai' },
      platform,
    );
    await api('POST', '/api/events/closed-door/stages', { id: 'main', name: 'Main hall' }, platform);
    const before = await mediaCounts();
    const refusals: [string, Promise<Response>, number][] = [
      ['no token', whep('/whep/closed-door/main', playerOffer()), 401],
      ['a token of another event', whep('/whep/closed-door/main', playerOffer(), { token: tokenFor('attendee') }), 403],
      ['not a token', whep('/whep/closed-door/main', playerOffer(), { token: 'not-a-token' }), 401],
      ['no token, unknown event (answered alike)', whep('/whep/no-such-event/main', playerOffer()), 401],
    ];
    for (const [what, pending, status] of refusals) {
      const res = await pending;
      assert.equal(res.status, status, what);
      await errorCode(res);
    }
    assert.deepEqual(await mediaCounts(), before, 'a refused player opens nothing');

    const viewer = tokenFor('attendee', 'closed-door', 'Reviewer');
    const res = await whep('/whep/closed-door/main', playerOffer(), { token: viewer });
    assert.equal(res.status, 201, await res.clone().text());
    const location = res.headers.get('location') ?? '';
    assert.equal((await end(location)).status, 404, 'not without the token');
    assert.equal((await end(location, tokenFor('attendee', 'closed-door', 'Someone else'))).status, 404, 'not with another token');
    assert.equal((await end(location, viewer)).status, 200);
  });

  it('refuses a bad stage, other content types and oversize bodies, opening nothing', async () => {
    const before = await mediaCounts();
    const refusals: [string, Promise<Response>, number][] = [
      ['unknown stage', whep('/whep/demo/no-such-stage', playerOffer()), 404],
      ['bad stage id', whep('/whep/demo/Not_A_Slug', playerOffer()), 400],
      ['JSON body', whep('/whep/demo/keynote', '{}', { contentType: 'application/json' }), 400],
      ['oversize offer', whep('/whep/demo/keynote', playerOffer() + `a=x-pad:${'p'.repeat(40_000)}\r\n`), 413],
      ['GET on the endpoint', fetch(`${node.url}/whep/demo/keynote`), 405],
    ];
    for (const [what, pending, status] of refusals) {
      const res = await pending;
      assert.equal(res.status, status, what);
      await errorCode(res);
    }
    assert.deepEqual(await mediaCounts(), before);
  });

  it('answers each of the hostile offers with a 4xx of the taxonomy, opening and leaving nothing', async () => {
    const offers = hostilePlayerOffers();
    assert.ok(offers.length >= 20, `${offers.length} hostile offers`);
    const before = await mediaCounts();
    const accepted: string[] = [];
    for (const { name, sdp } of offers) {
      const res = await whep('/whep/demo/keynote', sdp);
      const text = await res.text();
      if (res.status < 400 || res.status >= 500) {
        accepted.push(`${name}: ${res.status} ${text.slice(0, 120)}`);
        continue;
      }
      const body = JSON.parse(text) as { error: { code: string } };
      assert.ok((ERROR_CODES as readonly string[]).includes(body.error.code), `${name}: ${body.error.code}`);
    }
    assert.deepEqual(accepted, [], 'every hostile offer is refused with a 4xx');
    assert.deepEqual(await mediaCounts(), before);
  });

  it("seats players by the node's WebRTC seats: past them, 503", async () => {
    const locations: string[] = [];
    for (let i = 0; i < SEATS; i += 1) {
      const res = await whep('/whep/demo/keynote', playerOffer());
      assert.equal(res.status, 201, `player ${i + 1}`);
      locations.push(res.headers.get('location') ?? '');
    }
    const refused = await whep('/whep/demo/keynote', playerOffer());
    assert.equal(refused.status, 503);
    assert.equal(await errorCode(refused), 'unavailable');
    for (const location of locations) assert.equal((await end(location)).status, 200);
  });

  it('closing the stage or deleting the event ends its players', async () => {
    const first = await whep('/whep/demo/keynote', playerOffer());
    assert.equal(first.status, 201);
    node.node.media.closeStage('demo/keynote');
    assert.equal(node.node.whep.sessionCount, 0, 'the stage closed its players');
    assert.deepEqual(node.node.whep.feeds(), []);

    const platform = tokenFor('admin', '*');
    await api('POST', '/api/events', { id: 'one-day-fair', name: 'One-day fair', isPublic: true, timezone: 'Asia/Shanghai' }, platform);
    await api('POST', '/api/events/one-day-fair/stages', { id: 'main', name: 'Main hall' }, platform);
    const second = await whep('/whep/one-day-fair/main', playerOffer());
    assert.equal(second.status, 201, await second.clone().text());
    assert.equal(node.node.whep.sessionCount, 1);
    await api('DELETE', '/api/events/one-day-fair', undefined, platform);
    assert.equal(node.node.whep.sessionCount, 0, "the event's players ended with it");
  });
});

describe('WHEP: a player that never connects', function () {
  this.timeout(30_000);
  const teardown = new Teardown();
  let node: Node;

  before(async () => {
    node = teardown.own('the node', await startStagecast({ WHEP_IDLE_MS: '1000' }), (n) => n.stop());
  });
  after(() => teardown.run());

  it('is ended once WHEP_IDLE_MS has passed without a packet from it', async () => {
    const res = await fetch(`${node.url}/whep/demo/keynote`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: playerOffer(),
    });
    assert.equal(res.status, 201);
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 1);
    await waitFor(async () => node.node.whep.sessionCount === 0 || undefined, { what: 'the silent player ended', timeoutMs: 10_000 });
    assert.equal((await fetch(`${node.url}${res.headers.get('location') ?? ''}`, { method: 'DELETE' })).status, 404);
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 0);
    assert.deepEqual(node.node.whep.feeds(), []);
  });
});
