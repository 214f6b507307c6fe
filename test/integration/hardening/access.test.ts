import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { io } from 'socket.io-client';
import { type Action, can } from '../../../server/auth/permissions';
import { createTokenSigner, ROLES, type Role } from '../../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../../server/config';
import type { HandRecord, QuestionView, SessionRecord } from '../../../signaling/contract';
import { REQUEST_EVENTS } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { forgedTokens } from '../../helpers/forgedTokens';
import { startServer, type ServerProcess } from '../../helpers/serverProcess';
import { type ClientSocket, connect, rawRequest, request } from '../../helpers/stagecast';

const SECRET = `access-test-secret-${randomUUID()}`;
const METRICS_TOKEN = `metrics-${randomUUID()}`;
const ALLOWED_ORIGIN = 'https://console.example.org';
const MAX_PAYLOAD = 16_384;

type RequestEvent = (typeof REQUEST_EVENTS)[number];

/** What a socket connection attempt ended in: `connected`, or the error code the server gave. */
async function handshake(
  url: string,
  auth: unknown,
  headers: Record<string, string> = {},
  transport: 'websocket' | 'polling' = 'websocket',
): Promise<string> {
  const socket = io(url, {
    auth: auth as Record<string, unknown>,
    extraHeaders: headers,
    transports: [transport],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
        resolve(error.data?.code ?? `refused (${error.message})`),
      );
    });
  } finally {
    socket.disconnect();
  }
}

describe('Access: forged tokens, role escalation, rate limits, message size, origins, headers, logs', function () {
  this.timeout(40_000);
  const signer = createTokenSigner(SECRET, 3600);
  /** Every token this test hands to the server: none may show up in its logs. */
  const issued: string[] = [];
  const sockets: ClientSocket[] = [];
  let server: ServerProcess;
  let api: ApiClient;
  let session: SessionRecord;

  const token = (role: Role, eventId = 'demo', name: string = role): string => {
    // An interpreter's token always names its booth (a token without one is refused at the handshake).
    const made = signer.sign({ role, eventId, name, ...(role === 'interpreter' ? { stageId: 'keynote', language: 'en' } : {}) });
    issued.push(made);
    return made;
  };
  const as = (role: Role, eventId = 'demo', name?: string): ApiClient => api.as(token(role, eventId, name));
  const open = async (bearer: string): Promise<ClientSocket> => {
    const socket = await connect(server.url, bearer);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    server = await startServer({
      JWT_SECRET: SECRET,
      METRICS_TOKEN,
      LOG_LEVEL: 'debug',
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      JOIN_RATE_LIMIT_PER_MINUTE: '3',
      // A reverse proxy on the same host names the client: the rate limit test picks addresses with X-Forwarded-For.
      TRUST_PROXY: 'loopback',
      QUESTION_RATE_LIMIT_PER_MINUTE: '2',
      VOTE_RATE_LIMIT_PER_MINUTE: '2',
      HAND_RATE_LIMIT_PER_MINUTE: '2',
      SOCKET_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
      RTC_LISTEN_IP: '127.0.0.1',
    });
    api = new ApiClient(server.url);
    session = ok<SessionRecord>(
      await as('admin').post('/api/events/demo/sessions', {
        stageId: 'keynote',
        title: 'Access',
        kind: 'panel',
        speakerIds: [],
        plannedStart: '2033-01-01T09:00:00Z',
        plannedEnd: '2033-01-01T10:00:00Z',
      }),
      201,
    );
    ok(await as('host').post(`/api/events/demo/sessions/${session.id}/start`));
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('expired, tampered, alg "none", foreign-secret and malformed tokens: 401 on REST, unauthorized at the socket handshake', async () => {
    const forged: [string, string][] = [
      ...forgedTokens(SECRET, token('attendee')),
      ['signed with the development secret', createTokenSigner(DEV_JWT_SECRET, 3600).sign({ role: 'admin', eventId: 'demo' })],
    ];
    for (const [what, bad] of forged) {
      issued.push(bad);
      failed(await api.as(bad).get(`/api/events/demo/sessions/${session.id}/hands`), 401, 'unauthorized');
      failed(await api.as(bad).patch('/api/events/demo/stages/keynote', { name: 'Owned' }), 401, 'unauthorized');
      assert.equal(await handshake(server.url, { token: bad }), 'unauthorized', what);
    }
    for (const auth of [undefined, {}, { token: 42 }, { token: null }]) assert.equal(await handshake(server.url, auth), 'unauthorized');
    // The genuine article passes both doors.
    ok(await as('moderator').get(`/api/events/demo/sessions/${session.id}/hands`));
    assert.equal(await handshake(server.url, { token: token('attendee') }), 'connected');
  });

  it("another event's token: forbidden on this event's REST routes; over Socket.IO it reaches nothing of this event", async () => {
    ok(await as('admin', '*').post('/api/events', { id: 'other', name: 'Another fair', isPublic: false, timezone: 'UTC' }), 201);
    const foreign = as('admin', 'other');
    assert.match(
      failed(await foreign.patch('/api/events/demo/stages/keynote', { name: 'Owned' }), 403, 'forbidden').message,
      /another event/,
    );
    failed(await foreign.get(`/api/events/demo/sessions/${session.id}/hands`), 403, 'forbidden');
    const socket = await open(token('admin', 'other'));
    assert.equal((await rawRequest(socket, 'subscribeSession', { sessionId: session.id })).ok, false);
    const join = await rawRequest(socket, 'join', { stageId: 'keynote' });
    assert.ok(!join.ok && join.error.code === 'not_found', 'the stage of another event is not found');
    // A token of an event that does not exist (deleted, or never was) opens no connection.
    assert.equal(await handshake(server.url, { token: token('admin', 'no-such-event') }), 'unauthorized');
  });

  it("creates events only with a platform administrator's token (admin of event '*'), which administers every event", async () => {
    const body = { id: 'claimed', name: 'Claimed fair', isPublic: true, timezone: 'UTC' };
    assert.match(failed(await as('admin').post('/api/events', body), 403, 'forbidden').message, /platform administrator/);
    failed(await as('host', '*').post('/api/events', body), 403, 'forbidden');
    failed(await as('admin').get('/api/events/claimed'), 404, 'not_found');
    const platform = as('admin', '*');
    ok(await platform.post('/api/events', body), 201);
    ok(await platform.patch('/api/events/demo/stages/keynote', { name: 'Keynote hall' }));
    assert.ok(
      ok<{ id: string }[]>(await platform.get('/api/events')).some((e) => e.id === 'other'),
      'it lists private events too',
    );
    // A platform token is for the API: it names no event a connection could join.
    assert.equal(await handshake(server.url, { token: token('admin', '*') }), 'unauthorized');
  });

  describe('socket requests that need a permission', () => {
    const VIDEO_RTP = { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] };
    let question: QuestionView;
    let hand: HandRecord;

    /** The permission each request event checks; null: any valid token of the event may send it. */
    const permissions = (): Record<RequestEvent, { action: Action; payload: () => object } | null> => ({
      join: { action: 'stage.watch', payload: () => ({ stageId: 'keynote' }) },
      watchHls: { action: 'stage.watch', payload: () => ({ stageId: 'keynote' }) },
      resume: null,
      getRouterRtpCapabilities: null,
      createTransport: { action: 'stage.publish', payload: () => ({ direction: 'send' }) },
      connectTransport: null,
      restartIce: null,
      produce: {
        action: 'stage.publish',
        payload: () => ({ transportId: randomUUID(), kind: 'video', rtpParameters: VIDEO_RTP, source: 'camera' }),
      },
      closeProducer: null,
      consume: null,
      consumeMany: null,
      resumeConsumer: null,
      pauseConsumer: null,
      setPreferredLayers: null,
      leave: null,
      getLanguages: null,
      handOver: { action: 'stage.interpret', payload: () => ({}) },
      subscribeSession: null,
      unsubscribeSession: null,
      submitQuestion: { action: 'question.submit', payload: () => ({ sessionId: session.id, text: 'Allowed?' }) },
      upvoteQuestion: { action: 'question.vote', payload: () => ({ sessionId: session.id, questionId: question.id }) },
      withdrawQuestion: { action: 'question.submit', payload: () => ({ sessionId: session.id, questionId: question.id }) },
      moderateQuestion: { action: 'question.moderate', payload: () => ({ sessionId: session.id, questionId: question.id, action: 'pin' }) },
      raiseHand: { action: 'hand.raise', payload: () => ({ sessionId: session.id }) },
      lowerHand: { action: 'hand.raise', payload: () => ({ sessionId: session.id }) },
      answerHand: { action: 'hand.answer', payload: () => ({ sessionId: session.id, handId: hand.id, action: 'accept' }) },
      subscribeHealth: { action: 'health.view', payload: () => ({}) },
      unsubscribeHealth: null,
    });

    before(async () => {
      question = ok<QuestionView>(
        await as('speaker', 'demo', 'Asker').post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'Who may moderate?' }),
        201,
      );
      ok(await as('moderator').post(`/api/events/demo/sessions/${session.id}/questions/${question.id}/moderate`, { action: 'approve' }));
      hand = ok<HandRecord>(await as('speaker', 'demo', 'Hand').post(`/api/events/demo/sessions/${session.id}/hands`), 201);
    });

    it('every one is refused with forbidden for each role the permission table leaves out', async () => {
      const table = permissions();
      assert.deepEqual(Object.keys(table).sort(), [...REQUEST_EVENTS].sort(), 'the table names every request event');
      let refusals = 0;
      for (const role of ROLES) {
        const socket = await open(token(role, 'demo', `escalating ${role}`));
        await request(socket, 'join', { stageId: 'keynote' });
        for (const [event, rule] of Object.entries(table) as [RequestEvent, (typeof table)[RequestEvent]][]) {
          if (!rule || can(role, rule.action)) continue;
          // Interpreters open a send transport for their booth's microphone: what they may send is checked per producer.
          if (event === 'createTransport' && can(role, 'stage.interpret')) continue;
          const response = await rawRequest(socket, event, rule.payload());
          assert.ok(!response.ok && response.error.code === 'forbidden', `${role} ${event}: ${JSON.stringify(response)}`);
          refusals += 1;
        }
        socket.disconnect();
      }
      assert.ok(refusals >= 18, `only ${refusals} refusals checked`);
    });

    it('roles that have the permission get past the check (a control for the refusals above)', async () => {
      const speaker = await open(token('speaker', 'demo', 'Speaker'));
      await request(speaker, 'join', { stageId: 'keynote' });
      const produce = await rawRequest(speaker, 'produce', {
        transportId: randomUUID(),
        kind: 'video',
        rtpParameters: VIDEO_RTP,
        source: 'camera',
      });
      assert.ok(!produce.ok && produce.error.code === 'not_found', 'refused for the unknown transport, not for the role');
      const moderator = await open(token('moderator'));
      assert.equal(
        (await request(moderator, 'moderateQuestion', { sessionId: session.id, questionId: question.id, action: 'pin' })).pinned,
        true,
      );
      const ops = await open(token('ops'));
      assert.ok((await request(ops, 'subscribeHealth', {})).nodeId);
    });
  });

  describe('rate limits', () => {
    it('anonymous joins are limited per client address (REST 429 rate_limited)', async () => {
      // TRUST_PROXY=loopback: X-Forwarded-For from loopback names the client.
      const join = async (ip: string) => {
        const res = await fetch(`${server.url}/api/events/demo/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: '{}',
        });
        const body = (await res.json()) as { token?: string; error?: { code: string } };
        if (body.token) issued.push(body.token);
        return { status: res.status, code: body.error?.code };
      };
      for (let i = 0; i < 3; i++) assert.equal((await join('203.0.113.7')).status, 201);
      assert.deepEqual(await join('203.0.113.7'), { status: 429, code: 'rate_limited' });
      assert.equal((await join('203.0.113.8')).status, 201, 'another address has its own budget');
    });

    it('questions are limited per participant, one budget across REST and Socket.IO', async () => {
      const bearer = token('attendee', 'demo', 'Curious');
      const rest = api.as(bearer);
      const socket = await open(bearer);
      const ask = (text: string) => ({ sessionId: session.id, text });
      ok(await rest.post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'First?' }), 201);
      await request(socket, 'submitQuestion', ask('Second?'));
      failed(await rest.post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'Third?' }), 429, 'rate_limited');
      const refused = await rawRequest(socket, 'submitQuestion', ask('Third, again?'));
      assert.ok(!refused.ok && refused.error.code === 'rate_limited');
      ok(await as('attendee', 'demo', 'Someone else').post(`/api/events/demo/sessions/${session.id}/questions`, { text: 'Mine?' }), 201);
    });

    it('upvotes are limited per participant, one budget across REST and Socket.IO', async () => {
      const questions: QuestionView[] = [];
      for (const asker of ['Q1', 'Q2', 'Q3']) {
        const q = ok<QuestionView>(
          await as('attendee', 'demo', asker).post(`/api/events/demo/sessions/${session.id}/questions`, { text: `Question of ${asker}` }),
          201,
        );
        ok(await as('moderator').post(`/api/events/demo/sessions/${session.id}/questions/${q.id}/moderate`, { action: 'approve' }));
        questions.push(q);
      }
      const [q1, q2, q3] = questions as [QuestionView, QuestionView, QuestionView];
      const bearer = token('attendee', 'demo', 'Voter');
      const rest = api.as(bearer);
      const socket = await open(bearer);
      const upvote = (q: QuestionView) => `/api/events/demo/sessions/${session.id}/questions/${q.id}/upvote`;
      ok(await rest.post(upvote(q1)));
      await request(socket, 'upvoteQuestion', { sessionId: session.id, questionId: q2.id });
      failed(await rest.post(upvote(q3)), 429, 'rate_limited');
      const refused = await rawRequest(socket, 'upvoteQuestion', { sessionId: session.id, questionId: q3.id });
      assert.ok(!refused.ok && refused.error.code === 'rate_limited');
      ok(await as('attendee', 'demo', 'Other voter').post(upvote(q3)));
    });

    it('raised hands are limited per participant, one budget across REST and Socket.IO', async () => {
      const bearer = token('attendee', 'demo', 'Eager');
      const rest = api.as(bearer);
      const socket = await open(bearer);
      const hands = `/api/events/demo/sessions/${session.id}/hands`;
      ok(await rest.post(hands), 201);
      ok(await rest.delete(`${hands}/mine`));
      await request(socket, 'raiseHand', { sessionId: session.id });
      await request(socket, 'lowerHand', { sessionId: session.id });
      failed(await rest.post(hands), 429, 'rate_limited');
      const refused = await rawRequest(socket, 'raiseHand', { sessionId: session.id });
      assert.ok(!refused.ok && refused.error.code === 'rate_limited');
      ok(await as('attendee', 'demo', 'Patient').post(hands), 201);
    });
  });

  it(`a socket message over SOCKET_MAX_PAYLOAD_BYTES (${MAX_PAYLOAD}) drops that connection; the server stays up`, async () => {
    const bearer = token('attendee', 'demo', 'Verbose');
    const socket = await open(bearer);
    await request(socket, 'join', { stageId: 'keynote' });
    // Just under the limit: answered, and refused for what it says.
    const under = await rawRequest(socket, 'submitQuestion', { sessionId: session.id, text: 'a'.repeat(MAX_PAYLOAD - 200) });
    assert.ok(!under.ok && under.error.code === 'bad_request');
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    let answered = false;
    void rawRequest(socket, 'submitQuestion', { sessionId: session.id, text: 'b'.repeat(MAX_PAYLOAD * 2) }).then(() => (answered = true));
    const reason = await Promise.race([dropped, new Promise<string>((resolve) => setTimeout(() => resolve('still connected'), 5000))]);
    assert.equal(reason, 'transport close');
    assert.equal(answered, false, 'the oversized message was not processed');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const again = await open(bearer);
    assert.ok((await request(again, 'join', { stageId: 'keynote' })).peerId, 'the same participant connects and joins again');
  });

  it('browser origins: none and the server’s own are allowed, ALLOWED_ORIGINS too; any other is refused at the handshake', async () => {
    const auth = { token: token('attendee') };
    for (const transport of ['websocket', 'polling'] as const) {
      assert.equal(await handshake(server.url, auth, {}, transport), 'connected', `no Origin (${transport})`);
      assert.equal(await handshake(server.url, auth, { origin: server.url }, transport), 'connected', `own origin (${transport})`);
      assert.equal(await handshake(server.url, auth, { origin: ALLOWED_ORIGIN }, transport), 'connected', `allowed origin (${transport})`);
      for (const origin of ['https://evil.example', 'null', `${ALLOWED_ORIGIN}.evil.example`, 'http://console.example.org']) {
        assert.match(await handshake(server.url, auth, { origin }, transport), /^refused/, `${origin} (${transport})`);
      }
    }
  });

  it('the UI pages carry security headers and a content security policy without inline script', async () => {
    for (const page of ['/watch/demo/keynote', '/speak/demo/keynote', '/admin', '/']) {
      const res = await fetch(`${server.url}${page}`);
      assert.equal(res.status, 200, `${page} (is the UI built? npm run build:ui)`);
      const csp = Object.fromEntries(
        (res.headers.get('content-security-policy') ?? '').split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values];
        }),
      );
      assert.deepEqual(csp['default-src'], ["'self'"], page);
      assert.deepEqual(csp['script-src'], ["'self'"], `${page}: scripts from this origin only, no inline or eval`);
      assert.deepEqual(csp['object-src'], ["'none'"], page);
      assert.deepEqual(csp['base-uri'], ["'self'"], page);
      assert.ok(csp['frame-ancestors'], `${page}: framing is restricted`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', 'a ?token= in the address never leaks as a referrer');
      // This node's public URL is plain http: HSTS and upgrade-insecure-requests are sent only over https
      // (test/integration/httpsHeaders.test.ts).
      assert.equal(res.headers.get('strict-transport-security'), null, page);
      assert.equal(csp['upgrade-insecure-requests'], undefined, page);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
      const html = await res.text();
      for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
        assert.match(tag, /\bsrc=/, `${page}: inline script would be blocked by the CSP: ${tag}`);
    }
  });

  // Runs last (mocha runs a block's own tests before its nested blocks): it stops the server.
  describe('logs', () => {
    it('no token or secret is ever written to the logs, even at LOG_LEVEL=debug', async () => {
      // A few more ways a token travels: a page address, the metrics bearer, a resume after a drop.
      const attendee = token('attendee', 'demo', 'Logged');
      assert.equal((await fetch(`${server.url}/speak/demo/keynote?token=${attendee}`)).status, 200);
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${attendee}` } })).status, 401);
      const socket = await open(attendee);
      const { peerId } = await request(socket, 'join', { stageId: 'keynote' });
      socket.disconnect();
      const again = await open(attendee);
      assert.equal((await request(again, 'resume', { peerId })).peerId, peerId);
      again.disconnect();

      server.child.kill('SIGTERM');
      assert.equal((await server.exited).code, 0);
      const output = server.output();
      assert.match(output, /"level":20/, 'debug lines were written');
      assert.ok(!output.includes(SECRET), 'JWT_SECRET appears in the logs');
      assert.ok(!output.includes(METRICS_TOKEN), 'METRICS_TOKEN appears in the logs');
      const leaked = issued.filter((t) => t.length > 0 && output.includes(t));
      assert.deepEqual(leaked, [], 'tokens appear in the logs');
      const signatures = issued.map((t) => t.split('.')[2] ?? '').filter((s) => s.length >= 20 && output.includes(s));
      assert.deepEqual(signatures, [], 'token signatures appear in the logs');
      assert.ok(issued.length > 40, `only ${issued.length} tokens were exercised`);
    });
  });
});
