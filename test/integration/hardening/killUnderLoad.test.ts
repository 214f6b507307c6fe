import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModeratedQuestionView, ProgramChange } from '../../../signaling/contract';
import { ApiClient, ok, sleep } from '../../helpers/api';
import { freePort, waitFor } from '../../helpers/net';
import { QaAttendee, QaModerator } from '../../helpers/qaLoad';
import { RedisServer } from '../../helpers/redis';
import { type ServerProcess, spawnServer, waitUntilReady } from '../../helpers/serverProcess';
import { tokenFor } from '../../helpers/stagecast';

const ATTENDEES = 50;
const LOAD_BEFORE_KILL_MS = 2500;
const LOAD_AFTER_RESTART_MS = 1000;
const STAGE_ID = 'keynote';

/** Limits generous enough that the attendees are held back only by their own acks. */
const LIMITS = {
  QUESTION_RATE_LIMIT_PER_MINUTE: '10000',
  VOTE_RATE_LIMIT_PER_MINUTE: '10000',
  SOCKET_REFUSAL_LIMIT: '100000',
  RTC_LISTEN_IP: '127.0.0.1',
};

/** A live session on the stage with a speaker, and the hall feed on air: the program to see after the restart. */
async function setUpStage(url: string): Promise<{ sessionId: string; program: ProgramChange }> {
  const host = new ApiClient(url).as(tokenFor('host'));
  const speaker = ok<{ id: string }>(
    await host.post('/api/events/demo/speakers', {
      name: 'Prof. Zhang',
      title: 'Dean',
      organisation: 'Zhengzhou University',
      presence: 'on-site',
    }),
    201,
  );
  const session = ok<{ id: string }>(
    await host.post('/api/events/demo/sessions', {
      stageId: STAGE_ID,
      title: 'Achievement release: soil sensors',
      kind: 'achievement-release',
      speakerIds: [speaker.id],
      plannedStart: '2026-12-01T09:00:00+08:00',
      plannedEnd: '2026-12-01T09:30:00+08:00',
    }),
    201,
  );
  ok(await host.post(`/api/events/demo/sessions/${session.id}/start`));
  ok(await host.post(`/api/events/demo/stages/${STAGE_ID}/ingest`, {}), 201);
  const program = ok<ProgramChange>(await host.put(`/api/events/demo/stages/${STAGE_ID}/program`, { sourceId: 'onsite' }));
  assert.equal(program.sourceId, 'onsite');
  assert.equal(program.lowerThird?.speakerName, 'Prof. Zhang');
  return { sessionId: session.id, program };
}

/** A program without its timestamp, to compare what two processes answer. */
function onAir(program: ProgramChange): Omit<ProgramChange, 'changedAt'> {
  const { changedAt: _changedAt, ...rest } = program;
  return rest;
}

/** Log lines at error level or above (pino's 50 and 60) in a server's JSON output. */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /"level":(5|6)\d/.test(line));
}

function total(values: Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

function failureSummary(failures: Map<string, number>[]): string {
  const merged = new Map<string, number>();
  for (const f of failures) for (const [code, n] of f) merged.set(code, (merged.get(code) ?? 0) + n);
  return [...merged].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
}

for (const kind of ['sqlite', 'redis'] as const) {
  describe(`kill -9 under Q&A load (${kind} store)`, function () {
    this.timeout(60_000);
    let redis: RedisServer | undefined;
    let server: ServerProcess | undefined;
    let dataDir = '';
    const attendees: QaAttendee[] = [];
    const moderator = new QaModerator(tokenFor('moderator', 'demo', 'Moderator'));

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-kill-'));
      if (kind === 'redis') redis = await RedisServer.start();
    });

    after(async () => {
      for (const a of attendees) a.connection?.close();
      moderator.connection?.close();
      await server?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      await redis?.stop();
    });

    it(`50 attendees asking and upvoting; SIGKILL; restart on the same store: every acknowledged question and vote is there once, and everyone rejoins to the current program and Q&A`, async () => {
      const env = { ...LIMITS, ...(redis ? { STORE: 'redis', REDIS_URL: redis.url } : {}) };
      const port = await freePort();
      server = spawnServer(env, port, dataDir);
      await waitUntilReady(server);
      const { sessionId, program } = await setUpStage(server.url);

      // The load: a moderator approving everything, and 50 attendees asking and upvoting.
      await moderator.enter(server.url, sessionId);
      for (let i = 0; i < ATTENDEES; i++) attendees.push(new QaAttendee(i, (name) => tokenFor('attendee', 'demo', name)));
      const firstEntry = await Promise.all(attendees.map((a) => a.enter(server!.url, STAGE_ID, sessionId)));
      for (const entry of firstEntry) assert.deepEqual(onAir(entry.program), onAir(program));
      for (const a of attendees) a.start(sessionId);
      // A couple of seconds of load, and at least as many questions and upvotes acknowledged as attendees.
      await sleep(LOAD_BEFORE_KILL_MS);
      await waitFor(
        async () =>
          total(attendees.map((a) => a.ackedQuestions.size)) >= ATTENDEES && total(attendees.map((a) => a.ackedVotes.size)) >= ATTENDEES
            ? true
            : undefined,
        20_000,
        'load',
      );

      // kill -9 with requests in flight.
      const inFlight = total(attendees.map((a) => a.connection!.inFlight)) + moderator.connection!.inFlight;
      const killedAt = Date.now();
      server.child.kill('SIGKILL');
      assert.equal((await server.exited).signal, 'SIGKILL');
      const beforeKill = server.output();
      await Promise.all(attendees.map((a) => a.ended()));
      await moderator.settled();
      assert.ok(inFlight > 0, 'requests were in flight when the process was killed');
      const ackedBefore = {
        questions: total(attendees.map((a) => a.ackedQuestions.size)),
        votes: total(attendees.map((a) => a.ackedVotes.size)),
        approvals: moderator.ackedApprovals.size,
      };
      const approvedBeforeKill = new Set(moderator.ackedApprovals);
      const votesBeforeKill = new Map<string, number>();
      for (const a of attendees) for (const id of a.ackedVotes.keys()) votesBeforeKill.set(id, (votesBeforeKill.get(id) ?? 0) + 1);

      // Restart on the same port and the same store; everyone comes back as soon as it answers.
      const restartedAt = Date.now();
      server = spawnServer(env, port, dataDir);
      const url = server.url;
      const reconnect = async (a: QaAttendee): Promise<Awaited<ReturnType<QaAttendee['enter']>>> => {
        const entry = await waitFor(() => a.enter(url, STAGE_ID, sessionId), 30_000, `${a.name} back in`);
        a.start(sessionId);
        return entry;
      };
      const [reentries] = await Promise.all([
        Promise.all(attendees.map(reconnect)),
        waitFor(async () => (await moderator.enter(url, sessionId), true), 30_000, 'moderator back in'),
        waitUntilReady(server, 30_000),
      ]);
      // Every attendee gets writes acknowledged again.
      await sleep(LOAD_AFTER_RESTART_MS);
      await waitFor(
        async () => (attendees.every((a) => a.firstAckSince(restartedAt) !== null) ? true : undefined),
        20_000,
        'a write acknowledged for every attendee after the restart',
      );
      await Promise.all(attendees.map((a) => a.stop()));
      await moderator.catchUp(sessionId);

      const firstAckAfterRestart = Math.min(...attendees.map((a) => a.firstAckSince(restartedAt) ?? Infinity));
      const ackedTotal = {
        questions: total(attendees.map((a) => a.ackedQuestions.size)),
        votes: total(attendees.map((a) => a.ackedVotes.size)),
      };
      console.log(
        `      ${kind}: ${ackedBefore.questions + ackedBefore.votes + ackedBefore.approvals} writes acknowledged before the kill ` +
          `(${ackedBefore.questions} questions, ${ackedBefore.votes} upvotes, ${ackedBefore.approvals} approvals), ${inFlight} in flight at it; ` +
          `restart → first acknowledged write ${firstAckAfterRestart - restartedAt} ms (kill → ${firstAckAfterRestart - killedAt} ms); ` +
          `${ackedTotal.questions - ackedBefore.questions} questions and ${ackedTotal.votes - ackedBefore.votes} upvotes acknowledged after it; ` +
          `failed requests: ${failureSummary([...attendees.map((a) => a.failures), moderator.failures])}`,
      );

      // The old sessions died with the process: nobody resumes, everybody joined again and sees the program.
      for (const entry of reentries) {
        assert.equal(entry.resumed, 'not_found', 'a peer session of the killed process cannot be resumed');
        assert.deepEqual(onAir(entry.program), onAir(program), 'the current program after the restart');
      }
      // …and the Q&A as it was: every question whose approval was acknowledged, with at least its acknowledged votes.
      for (const [i, entry] of reentries.entries()) {
        const seen = new Map(entry.questions.map((q) => [q.id, q]));
        for (const id of approvedBeforeKill) {
          const q = seen.get(id);
          assert.ok(q, `${attendees[i].name} does not see approved question ${id} after the restart`);
          assert.ok(
            q.votes >= (votesBeforeKill.get(id) ?? 0),
            `question ${id}: ${q.votes} votes seen, ${votesBeforeKill.get(id)} acknowledged before the kill`,
          );
        }
      }

      // Every acknowledged question is stored once, with its text and author; nothing stored was never asked.
      const stored = ok<ModeratedQuestionView[]>(
        await new ApiClient(url).as(tokenFor('moderator')).get(`/api/events/demo/sessions/${sessionId}/questions`),
      );
      assert.equal(new Set(stored.map((q) => q.id)).size, stored.length, 'a question id is listed twice');
      assert.equal(new Set(stored.map((q) => q.text)).size, stored.length, 'a question is stored twice');
      const byId = new Map(stored.map((q) => [q.id, q]));
      const askerOf = new Map<string, QaAttendee>();
      for (const a of attendees) for (const text of a.askedTexts) askerOf.set(text, a);
      for (const a of attendees) {
        for (const [id, acked] of a.ackedQuestions) {
          const q = byId.get(id);
          assert.ok(q, `acknowledged question "${acked.text}" (${id}) was lost`);
          assert.deepEqual([q.text, q.authorId, q.authorName], [acked.text, a.participantId, a.name]);
        }
      }
      for (const q of stored) {
        const asker = askerOf.get(q.text);
        assert.ok(asker, `stored question "${q.text}" was never asked`);
        assert.deepEqual([q.authorId, q.authorName], [asker.participantId, asker.name], `author of "${q.text}"`);
      }
      // The moderator's approvals, before and after the kill, stuck (it approved the whole queue at the end).
      assert.deepEqual(
        stored.filter((q) => q.status !== 'approved').map((q) => `${q.text}: ${q.status}`),
        [],
        'questions left unapproved',
      );

      // Every acknowledged upvote is counted, and no question has more votes than attendees who tried.
      const ackedVoters = new Map<string, QaAttendee[]>();
      const triedVoters = new Map<string, number>();
      for (const a of attendees) {
        for (const id of a.ackedVotes.keys()) ackedVoters.set(id, [...(ackedVoters.get(id) ?? []), a]);
        for (const id of a.votedFor) triedVoters.set(id, (triedVoters.get(id) ?? 0) + 1);
      }
      for (const q of stored) {
        const acked = ackedVoters.get(q.id)?.length ?? 0;
        assert.ok(q.votes >= acked, `question ${q.id}: ${q.votes} votes stored, ${acked} acknowledged`);
        assert.ok(
          q.votes <= (triedVoters.get(q.id) ?? 0),
          `question ${q.id}: ${q.votes} votes stored, only ${triedVoters.get(q.id) ?? 0} attendees voted`,
        );
      }
      for (const id of ackedVoters.keys()) assert.ok(byId.has(id), `a question with acknowledged votes (${id}) is gone`);
      // Each acknowledged voter is recorded as such: voting again is a no-op that answers the stored count.
      await Promise.all(
        attendees.map(async (a) => {
          for (const id of a.ackedVotes.keys()) {
            const again = await a.connection!.send('upvoteQuestion', { sessionId, questionId: id });
            assert.equal(again.kind, 'ok', `${a.name} voting again for ${id}: ${JSON.stringify(again)}`);
            if (again.kind === 'ok')
              assert.equal(again.data.votes, byId.get(id)!.votes, `${a.name}'s acknowledged vote for ${id} was not recorded`);
          }
        }),
      );

      // Each attendee sees its acknowledged questions in the Q&A list.
      await Promise.all(
        attendees.map(async (a) => {
          // `unavailable` is the server's "try again shortly" (its store slow to answer on a starved
          // machine); the pages ask again, and so does this attendee.
          const list = await waitFor(
            async () => {
              const answer = await a.connection!.send('subscribeSession', { sessionId });
              return answer.kind === 'refused' && answer.code === 'unavailable' ? undefined : answer;
            },
            20_000,
            `${a.name}'s subscription answered other than unavailable`,
          );
          assert.equal(list.kind, 'ok', `${a.name} subscribing again: ${JSON.stringify(list)}`);
          if (list.kind !== 'ok') return;
          const listed = new Map(list.data.questions.map((q) => [q.id, q]));
          for (const [id, acked] of a.ackedQuestions)
            assert.equal(listed.get(id)?.text, acked.text, `${a.name} does not see its question ${id}`);
        }),
      );

      assert.equal(server.child.exitCode, null, 'the restarted server is running');
      assert.deepEqual(errorLines(beforeKill), [], 'errors logged before the kill');
      assert.deepEqual(errorLines(server.output()), [], 'errors logged after the restart');
    });
  });
}
