import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../../server/auth/tokens';
import { publicQuestionView } from '../../../server/conference/QaService';
import type { ModeratedQuestionView, QuestionView } from '../../../server/conference/views';
import type { HandRecord, SessionRecord } from '../../../server/store/records';
import { ApiClient, badFields, failed, ok, sleep } from '../../helpers/api';
import { startStagecast, testSigner, tokenFor } from '../../helpers/stagecast';

const EVENT = '/api/events/demo';
const QUESTIONS_PER_MINUTE = 3;

/** One participant: a token (so one participant id) and a client that calls with it. */
interface Participant {
  id: string;
  name: string;
  api: ApiClient;
}

describe('REST Q&A and raised hands', function () {
  this.timeout(30_000);
  let stop: () => Promise<void>;
  let anonymous: ApiClient;
  let host: ApiClient;
  let moderator: ApiClient;
  let slot = 0;

  function participant(role: Role = 'attendee', name = `${role} ${randomUUID().slice(0, 4)}`): Participant {
    const token = tokenFor(role, 'demo', name);
    return { id: testSigner.verify(token).id, name, api: anonymous.as(token) };
  }

  /** A fresh scheduled session on the keynote stage (one hour of 2032, one after another). */
  async function newSession(): Promise<SessionRecord> {
    const start = Date.UTC(2032, 0, 1) + slot++ * 3_600_000;
    const body = {
      stageId: 'keynote',
      title: `Q&A session ${slot}`,
      kind: 'panel',
      speakerIds: [],
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(start + 3_600_000).toISOString(),
    };
    return ok<SessionRecord>(await host.post(`${EVENT}/sessions`, body), 201);
  }

  async function ask(who: Participant, session: SessionRecord, text: string): Promise<QuestionView> {
    return ok<QuestionView>(await who.api.post(`${EVENT}/sessions/${session.id}/questions`, { text }), 201);
  }

  async function moderate(session: SessionRecord, question: QuestionView, action: string): Promise<ModeratedQuestionView> {
    return ok<ModeratedQuestionView>(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${question.id}/moderate`, { action }));
  }

  async function listAs(client: ApiClient, session: SessionRecord): Promise<QuestionView[]> {
    return ok<QuestionView[]>(await client.get(`${EVENT}/sessions/${session.id}/questions`));
  }

  /** What the moderators list, as its author was answered: the public view, marked theirs. */
  function asAuthorSees(question: ModeratedQuestionView | undefined): QuestionView | undefined {
    return question && { ...publicQuestionView(question), mine: true };
  }

  before(async () => {
    const started = await startStagecast({ QUESTION_RATE_LIMIT_PER_MINUTE: String(QUESTIONS_PER_MINUTE) });
    stop = started.stop;
    anonymous = new ApiClient(started.url);
    host = anonymous.as(tokenFor('host'));
    moderator = anonymous.as(tokenFor('moderator'));
  });

  after(async () => {
    await stop();
  });

  describe('asking', () => {
    it('stores a question with its text trimmed, pending, unpinned, without votes, by its author', async () => {
      const session = await newSession();
      const ada = participant('attendee', 'Ada');
      const question = await ask(ada, session, '  \n How does it scale?\t ');
      assert.equal(question.text, 'How does it scale?');
      assert.equal(question.status, 'pending');
      assert.equal(question.pinned, false);
      assert.equal(question.votes, 0);
      assert.equal(question.mine, true);
      assert.equal(question.authorName, 'Ada');
      assert.equal(question.sessionId, session.id);
      const listed = ok<ModeratedQuestionView[]>(await moderator.get(`${EVENT}/sessions/${session.id}/questions`));
      assert.equal(listed.length, 1);
      assert.equal(listed[0].authorId, ada.id);
      assert.deepEqual(asAuthorSees(listed[0]), question);
    });

    it('refuses empty, whitespace-only and over-long text with 400 naming text, and stores nothing', async () => {
      const session = await newSession();
      const asker = participant();
      for (const text of ['', '   \n\t ', 'x'.repeat(501), 'x'.repeat(2001), `  ${'y'.repeat(501)}  `]) {
        assert.deepEqual(
          badFields(await asker.api.post(`${EVENT}/sessions/${session.id}/questions`, { text })),
          ['text'],
          `text of ${text.length} characters`,
        );
      }
      assert.deepEqual(badFields(await asker.api.post(`${EVENT}/sessions/${session.id}/questions`, {})), ['text']);
      assert.deepEqual(badFields(await asker.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'hi', anonymous: true })), [
        'anonymous',
      ]);
      assert.deepEqual(await listAs(moderator, session), []);

      // 500 characters after trimming is the longest question.
      const longest = await ask(asker, session, ` ${'z'.repeat(500)} `);
      assert.equal(longest.text.length, 500);
    });

    it('refuses a question to a session that is over (409) or unknown (404)', async () => {
      const session = await newSession();
      ok(await host.post(`${EVENT}/sessions/${session.id}/start`));
      await ask(participant(), session, 'Asked while live');
      ok(await host.post(`${EVENT}/sessions/${session.id}/end`));
      failed(await participant().api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'Too late?' }), 409, 'conflict');
      assert.deepEqual(
        (await listAs(moderator, session)).map((q) => q.text),
        ['Asked while live'],
      );

      failed(await participant().api.post(`${EVENT}/sessions/${randomUUID()}/questions`, { text: 'Anyone?' }), 404, 'not_found');
    });

    it(`limits each participant to ${QUESTIONS_PER_MINUTE} questions a minute (429 rate_limited), without counting refused ones`, async () => {
      const session = await newSession();
      const eager = participant();
      assert.deepEqual(badFields(await eager.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: ' ' })), ['text']);
      for (let i = 1; i <= QUESTIONS_PER_MINUTE; i++) await ask(eager, session, `Question ${i}`);
      failed(await eager.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'One more' }), 429, 'rate_limited');
      failed(await eager.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'And another' }), 429, 'rate_limited');

      // Someone else is not affected.
      await ask(participant(), session, 'My first question');
      const texts = (await listAs(moderator, session)).map((q) => q.text).sort();
      assert.deepEqual(texts, ['My first question', 'Question 1', 'Question 2', 'Question 3']);
    });
  });

  describe('reading the queue', () => {
    it('attendees (and anonymous viewers) see approved and answered questions; moderators see all', async () => {
      const session = await newSession();
      const asker = participant();
      const pending = await ask(asker, session, 'Pending');
      const approved = await moderate(session, await ask(asker, session, 'Approved'), 'approve');
      const answered = await moderate(session, await ask(asker, session, 'Answered'), 'answer');
      const rejected = await moderate(session, await ask(participant(), session, 'Rejected'), 'reject');

      const publicIds = [approved.id, answered.id].sort();
      assert.deepEqual((await listAs(anonymous, session)).map((q) => q.id).sort(), publicIds);
      assert.deepEqual((await listAs(participant().api, session)).map((q) => q.id).sort(), publicIds);
      assert.deepEqual(
        (await listAs(asker.api, session)).map((q) => q.id).sort(),
        publicIds,
        'the author too sees only published questions in the list',
      );
      const all = [pending.id, approved.id, answered.id, rejected.id].sort();
      for (const role of ['moderator', 'host', 'admin'] as const) {
        assert.deepEqual((await listAs(anonymous.as(tokenFor(role)), session)).map((q) => q.id).sort(), all, role);
      }
    });

    it('orders pinned first, then most votes, then oldest first', async () => {
      const session = await newSession();
      const created: QuestionView[] = [];
      for (const text of ['oldest, no votes', 'two votes, older', 'two votes, newer', 'one vote', 'pinned, no votes']) {
        created.push(await moderate(session, await ask(participant(), session, text), 'approve'));
        await sleep(5); // distinct creation times
      }
      const [oldest, twoOlder, twoNewer, one, pinned] = created as [QuestionView, QuestionView, QuestionView, QuestionView, QuestionView];
      const voters = [participant(), participant()];
      for (const voter of voters) {
        for (const q of [twoNewer, twoOlder]) ok(await voter.api.post(`${EVENT}/sessions/${session.id}/questions/${q.id}/upvote`));
      }
      ok(await voters[0].api.post(`${EVENT}/sessions/${session.id}/questions/${one.id}/upvote`));
      await moderate(session, pinned, 'pin');

      const listed = await listAs(anonymous, session);
      assert.deepEqual(
        listed.map((q) => q.text),
        ['pinned, no votes', 'two votes, older', 'two votes, newer', 'one vote', 'oldest, no votes'],
      );
      assert.deepEqual(
        listed.map((q) => q.votes),
        [0, 2, 2, 1, 0],
      );
      assert.deepEqual(
        (await listAs(moderator, session)).map((q) => q.id),
        [pinned.id, twoOlder.id, twoNewer.id, one.id, oldest.id],
      );
    });
  });

  describe('voting', () => {
    it('counts a participant’s second upvote once', async () => {
      const session = await newSession();
      const question = await moderate(session, await ask(participant(), session, 'Vote for me'), 'approve');
      const fan = participant();
      const path = `${EVENT}/sessions/${session.id}/questions/${question.id}/upvote`;
      assert.equal(ok<QuestionView>(await fan.api.post(path)).votes, 1);
      assert.equal(ok<QuestionView>(await fan.api.post(path)).votes, 1);
      assert.equal(ok<QuestionView>(await participant().api.post(path)).votes, 2);
      assert.equal((await listAs(anonymous, session))[0]?.votes, 2);
    });

    it('answers 404 to an attendee upvoting someone else’s unpublished question; its author and moderators see it', async () => {
      const session = await newSession();
      const author = participant();
      const pending = await ask(author, session, 'Not yet approved');
      const path = `${EVENT}/sessions/${session.id}/questions/${pending.id}/upvote`;
      failed(await participant().api.post(path), 404, 'not_found');
      failed(await participant('speaker').api.post(path), 404, 'not_found');
      assert.equal(ok<QuestionView>(await author.api.post(path)).votes, 1, 'the author may vote for their own pending question');
      assert.equal(ok<QuestionView>(await moderator.post(path)).votes, 2);

      const rejected = await moderate(session, await ask(author, session, 'Off topic'), 'reject');
      failed(await participant().api.post(`${EVENT}/sessions/${session.id}/questions/${rejected.id}/upvote`), 404, 'not_found');

      await moderate(session, pending, 'approve');
      assert.equal(ok<QuestionView>(await participant().api.post(path)).votes, 3, 'once approved, anyone may vote');
      failed(await participant().api.post(`${EVENT}/sessions/${session.id}/questions/${randomUUID()}/upvote`), 404, 'not_found');
    });
  });

  describe('withdrawing', () => {
    it('lets the author withdraw their own question, and nobody else (403, or 404 while it is unpublished)', async () => {
      const session = await newSession();
      const author = participant();
      const other = participant();
      const published = await moderate(session, await ask(author, session, 'Published'), 'approve');
      const pending = await ask(author, session, 'Pending');

      failed(await other.api.delete(`${EVENT}/sessions/${session.id}/questions/${published.id}`), 403, 'forbidden');
      failed(await moderator.delete(`${EVENT}/sessions/${session.id}/questions/${published.id}`), 403, 'forbidden');
      failed(await other.api.delete(`${EVENT}/sessions/${session.id}/questions/${pending.id}`), 404, 'not_found');
      assert.equal((await listAs(moderator, session)).length, 2);

      ok(await author.api.delete(`${EVENT}/sessions/${session.id}/questions/${published.id}`), 204);
      ok(await author.api.delete(`${EVENT}/sessions/${session.id}/questions/${pending.id}`), 204);
      assert.deepEqual(await listAs(moderator, session), []);
      failed(await author.api.delete(`${EVENT}/sessions/${session.id}/questions/${pending.id}`), 404, 'not_found');
    });
  });

  describe('moderating', () => {
    it('approves, pins, unpins, rejects (which unpins) and marks answered', async () => {
      const session = await newSession();
      let q = await moderate(session, await ask(participant(), session, 'Walk me through the lifecycle'), 'approve');
      assert.deepEqual([q.status, q.pinned], ['approved', false]);
      q = await moderate(session, q, 'pin');
      assert.deepEqual([q.status, q.pinned], ['approved', true]);
      q = await moderate(session, q, 'unpin');
      assert.deepEqual([q.status, q.pinned], ['approved', false]);
      q = await moderate(session, q, 'pin');
      q = await moderate(session, q, 'reject');
      assert.deepEqual([q.status, q.pinned], ['rejected', false], 'a rejected question loses its pin');
      q = await moderate(session, q, 'approve');
      assert.equal(q.status, 'approved', 'a rejected question can be approved again');
      q = await moderate(session, q, 'answer');
      assert.deepEqual([q.status, q.pinned], ['answered', false]);
      q = await moderate(session, q, 'pin');
      assert.deepEqual([q.status, q.pinned], ['answered', true], 'an answered question can be pinned');
      assert.deepEqual(await listAs(anonymous, session), [publicQuestionView(q)]);
    });

    it('marks a pending question answered directly', async () => {
      const session = await newSession();
      const q = await moderate(session, await ask(participant(), session, 'Answered on stage at once'), 'answer');
      assert.equal(q.status, 'answered');
    });

    it('refuses to pin an unpublished question or answer a rejected one (409), leaving it as it was', async () => {
      const session = await newSession();
      const pending = await ask(participant(), session, 'Still pending');
      for (const action of ['pin', 'unpin']) {
        failed(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${pending.id}/moderate`, { action }), 409, 'conflict');
      }
      const rejected = await moderate(session, await ask(participant(), session, 'Rejected'), 'reject');
      for (const action of ['pin', 'answer']) {
        failed(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${rejected.id}/moderate`, { action }), 409, 'conflict');
      }
      const listed = ok<ModeratedQuestionView[]>(await moderator.get(`${EVENT}/sessions/${session.id}/questions`));
      const byId = new Map(listed.map((q) => [q.id, q]));
      assert.deepEqual(asAuthorSees(byId.get(pending.id)), pending);
      assert.deepEqual(byId.get(rejected.id), rejected);
    });

    it('refuses an unknown action (400) and an unknown question (404)', async () => {
      const session = await newSession();
      const q = await ask(participant(), session, 'Moderate me');
      assert.deepEqual(
        badFields(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${q.id}/moderate`, { action: 'delete' })),
        ['action'],
      );
      failed(
        await moderator.post(`${EVENT}/sessions/${session.id}/questions/${randomUUID()}/moderate`, { action: 'approve' }),
        404,
        'not_found',
      );
      failed(await moderator.post(`${EVENT}/sessions/${randomUUID()}/questions/${q.id}/moderate`, { action: 'approve' }), 404, 'not_found');
      assert.equal((await listAs(moderator, session))[0]?.status, 'pending');
    });
  });

  describe('raised hands', () => {
    it('raising is idempotent while the hand is open', async () => {
      const session = await newSession();
      const grace = participant('attendee', 'Grace');
      const hand = ok<HandRecord>(await grace.api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      assert.equal(hand.status, 'raised');
      assert.equal(hand.participantId, grace.id);
      assert.equal(hand.name, 'Grace');
      const again = ok<HandRecord>(await grace.api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      assert.deepEqual(again, hand);
      assert.deepEqual(ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${session.id}/hands`)), [hand]);
    });

    it('shows the queue, oldest first, to moderators, hosts and admins only', async () => {
      const session = await newSession();
      const first = ok<HandRecord>(await participant().api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      await sleep(5);
      const second = ok<HandRecord>(await participant('speaker').api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      for (const role of ['moderator', 'host', 'admin'] as const) {
        assert.deepEqual(
          ok<HandRecord[]>(await anonymous.as(tokenFor(role)).get(`${EVENT}/sessions/${session.id}/hands`)),
          [first, second],
          role,
        );
      }
      for (const role of ['attendee', 'speaker', 'ops'] as const) {
        failed(await anonymous.as(tokenFor(role)).get(`${EVENT}/sessions/${session.id}/hands`), 403, 'forbidden');
      }
      failed(await anonymous.get(`${EVENT}/sessions/${session.id}/hands`), 401, 'unauthorized');
    });

    it('a moderator accepts a hand (it stays queued), then lowers it (it leaves the queue); a lowered hand cannot be answered', async () => {
      const session = await newSession();
      const hand = ok<HandRecord>(await participant().api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      const answer = (action: string) => moderator.post(`${EVENT}/sessions/${session.id}/hands/${hand.id}/answer`, { action });

      const accepted = ok<HandRecord>(await answer('accept'));
      assert.deepEqual(accepted, { ...hand, status: 'accepted' });
      assert.deepEqual(ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${session.id}/hands`)), [accepted]);

      const lowered = ok<HandRecord>(await answer('lower'));
      assert.deepEqual(lowered, { ...hand, status: 'lowered' });
      assert.deepEqual(ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${session.id}/hands`)), []);

      failed(await answer('accept'), 409, 'conflict');
      assert.deepEqual(badFields(await answer('ignore')), ['action']);
      failed(await moderator.post(`${EVENT}/sessions/${session.id}/hands/${randomUUID()}/answer`, { action: 'accept' }), 404, 'not_found');
    });

    it('a participant lowers their own hand (even once accepted), and may raise a new one after', async () => {
      const session = await newSession();
      const alan = participant();
      const other = participant();
      const hand = ok<HandRecord>(await alan.api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      const otherHand = ok<HandRecord>(await other.api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      ok(await moderator.post(`${EVENT}/sessions/${session.id}/hands/${hand.id}/answer`, { action: 'accept' }));

      const lowered = ok<HandRecord>(await alan.api.delete(`${EVENT}/sessions/${session.id}/hands/mine`));
      assert.deepEqual(lowered, { ...hand, status: 'lowered' });
      assert.deepEqual(
        ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${session.id}/hands`)),
        [otherHand],
        'only their own hand went down',
      );
      failed(await alan.api.delete(`${EVENT}/sessions/${session.id}/hands/mine`), 404, 'not_found');

      const raisedAgain = ok<HandRecord>(await alan.api.post(`${EVENT}/sessions/${session.id}/hands`), 201);
      assert.notEqual(raisedAgain.id, hand.id);
      assert.equal(raisedAgain.status, 'raised');
    });

    it('refuses hands in a session that is over (409) or unknown (404), and from roles that do not raise hands (403)', async () => {
      const session = await newSession();
      ok(await host.post(`${EVENT}/sessions/${session.id}/start`));
      ok(await host.post(`${EVENT}/sessions/${session.id}/end`));
      failed(await participant().api.post(`${EVENT}/sessions/${session.id}/hands`), 409, 'conflict');
      failed(await participant().api.post(`${EVENT}/sessions/${randomUUID()}/hands`), 404, 'not_found');
      const open = await newSession();
      for (const role of ['moderator', 'host', 'ops', 'admin'] as const) {
        failed(await participant(role).api.post(`${EVENT}/sessions/${open.id}/hands`), 403, 'forbidden');
      }
      assert.deepEqual(ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${open.id}/hands`)), []);
    });
  });
});
