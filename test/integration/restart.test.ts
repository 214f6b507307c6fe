import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type ServerProcess, startServer } from '../../scripts/lib/serverProcess';
import { RedisServer } from '../helpers/redis';
import { connect, request, tokenFor } from '../helpers/stagecast';

interface Seeded {
  sessionId: string;
  approvedId: string;
  pendingId: string;
  handId: string;
}

async function api(
  server: ServerProcess,
  method: string,
  path: string,
  role: 'host' | 'attendee' | 'moderator',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function ok<T>(call: Promise<{ status: number; body: unknown }>): Promise<T> {
  const { status, body } = await call;
  assert.ok(status < 300, `HTTP ${status}: ${JSON.stringify(body)}`);
  return body as T;
}

/** Everything the programme persists: agenda, a live session, the program, questions, votes, a hand. */
async function seed(server: ServerProcess): Promise<Seeded> {
  const speaker = await ok<{ id: string }>(
    api(server, 'POST', '/api/events/demo/speakers', 'host', {
      name: 'Dr. Wu',
      title: 'Director',
      organisation: 'Henan Lab',
      presence: 'remote',
    }),
  );
  const session = await ok<{ id: string }>(
    api(server, 'POST', '/api/events/demo/sessions', 'host', {
      stageId: 'keynote',
      title: 'Industry keynote',
      kind: 'report',
      speakerIds: [speaker.id],
      plannedStart: '2026-12-01T14:00:00+08:00',
      plannedEnd: '2026-12-01T15:00:00+08:00',
    }),
  );
  await ok(api(server, 'POST', `/api/events/demo/sessions/${session.id}/start`, 'host'));
  await ok(api(server, 'POST', '/api/events/demo/stages/keynote/ingest', 'host', {}));
  await ok(api(server, 'PUT', '/api/events/demo/stages/keynote/program', 'host', { sourceId: 'onsite' }));
  const base = `/api/events/demo/sessions/${session.id}`;
  const approved = await ok<{ id: string }>(api(server, 'POST', `${base}/questions`, 'attendee', { text: 'What about licensing?' }));
  const pending = await ok<{ id: string }>(api(server, 'POST', `${base}/questions`, 'attendee', { text: 'Is there a demo?' }));
  await ok(api(server, 'POST', `${base}/questions/${approved.id}/moderate`, 'moderator', { action: 'approve' }));
  for (let i = 0; i < 3; i++) await ok(api(server, 'POST', `${base}/questions/${approved.id}/upvote`, 'attendee'));
  const hand = await ok<{ id: string }>(api(server, 'POST', `${base}/hands`, 'attendee'));
  return { sessionId: session.id, approvedId: approved.id, pendingId: pending.id, handId: hand.id };
}

async function assertRestored(server: ServerProcess, seeded: Seeded): Promise<void> {
  const base = `/api/events/demo/sessions/${seeded.sessionId}`;
  const now = await ok<{ current: { id: string; status: string } | null }>(
    api(server, 'GET', '/api/events/demo/stages/keynote/now', 'attendee'),
  );
  assert.equal(now.current?.id, seeded.sessionId, 'the session is still live');
  const all = await ok<{ id: string; votes: number; status: string }[]>(api(server, 'GET', `${base}/questions`, 'moderator'));
  assert.deepEqual(
    all.map((q) => [q.id, q.status, q.votes]),
    [
      [seeded.approvedId, 'approved', 3],
      [seeded.pendingId, 'pending', 0],
    ],
  );
  const hands = await ok<{ id: string; status: string }[]>(api(server, 'GET', `${base}/hands`, 'moderator'));
  assert.deepEqual(
    hands.map((h) => [h.id, h.status]),
    [[seeded.handId, 'raised']],
  );

  // A viewer who reconnects sees the current program and the Q&A.
  const socket = await connect(server.url, tokenFor('attendee'));
  try {
    const joined = await request(socket, 'join', { stageId: 'keynote' });
    assert.equal(joined.program.sourceId, 'onsite');
    assert.equal(joined.program.lowerThird?.speakerName, 'Dr. Wu');
    const qa = await request(socket, 'subscribeSession', { sessionId: seeded.sessionId });
    assert.deepEqual(
      qa.questions.map((q) => q.id),
      [seeded.approvedId],
    );
  } finally {
    socket.disconnect();
  }
}

for (const kind of ['sqlite', 'redis'] as const) {
  describe(`Restart after kill -9 (${kind} store)`, function () {
    this.timeout(60_000);
    let redis: RedisServer | undefined;
    let server: ServerProcess | undefined;

    before(async () => {
      if (kind === 'redis') redis = await RedisServer.start();
    });

    after(async () => {
      await server?.stop();
      if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
      await redis?.stop();
    });

    it('keeps every acknowledged agenda, program, question, vote and hand', async () => {
      const env = { RTC_LISTEN_IP: '127.0.0.1', ...(redis ? { STORE: 'redis', REDIS_URL: redis.url } : {}) };
      server = await startServer(env);
      const seeded = await seed(server);
      server.child.kill('SIGKILL');
      assert.equal((await server.exited).signal, 'SIGKILL');
      server = await startServer(env, server.dataDir);
      await assertRestored(server, seeded);
    });
  });
}
