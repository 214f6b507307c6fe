import assert from 'node:assert/strict';
import type { EventRecord, HandRecord, ModeratedQuestionView, QuestionView, SessionRecord } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { type ClientSocket, connect, request, startStagecast, tokenFor } from '../../helpers/stagecast';

const EVENT = '/api/events/demo';

/**
 * The review's re-join floods: one network (one IP) taking fresh anonymous tokens from the join link to
 * move a question, fill the moderators' queue or the hands queue. A trusted proxy on loopback names
 * the client, so one test process can speak for several networks.
 */
describe('Q&A integrity behind one address: anonymous votes, questions and hands are bounded per network', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  const anonymous = (network: string) => new ApiClient(node.url).withHeaders({ 'x-forwarded-for': network });
  let moderator: ApiClient;
  let session: SessionRecord;
  const sockets: ClientSocket[] = [];

  /** A fresh anonymous participant of `network`, through the public join link. */
  async function joiner(network: string): Promise<{ api: ApiClient; token: string }> {
    const { token } = ok<{ token: string }>(await anonymous(network).post(`${EVENT}/join`, {}), 201);
    return { api: anonymous(network).as(token), token };
  }

  async function approvedQuestion(text: string): Promise<string> {
    const asker = new ApiClient(node.url).as(tokenFor('attendee', 'demo', 'Invited asker'));
    const question = ok<QuestionView>(await asker.post(`${EVENT}/sessions/${session.id}/questions`, { text }), 201);
    ok(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${question.id}/moderate`, { action: 'approve' }));
    return question.id;
  }

  const moderatorView = async (questionId: string): Promise<ModeratedQuestionView> => {
    const all = ok<ModeratedQuestionView[]>(await moderator.get(`${EVENT}/sessions/${session.id}/questions`));
    const found = all.find((q) => q.id === questionId);
    assert.ok(found, `question ${questionId} is listed for moderators`);
    return found;
  };
  const upvote = (api: ApiClient, questionId: string) => api.post(`${EVENT}/sessions/${session.id}/questions/${questionId}/upvote`);

  before(async () => {
    node = await startStagecast({
      TRUST_PROXY: 'loopback',
      JOIN_RATE_LIMIT_PER_MINUTE: '1000',
      QUESTION_RATE_LIMIT_PER_NETWORK_PER_MINUTE: '3',
      OPEN_HANDS_PER_NETWORK: '2',
    });
    moderator = new ApiClient(node.url).as(tokenFor('moderator'));
    const start = Date.UTC(2034, 0, 1);
    session = ok<SessionRecord>(
      await new ApiClient(node.url).as(tokenFor('host')).post(`${EVENT}/sessions`, {
        stageId: 'keynote',
        title: 'Integrity under re-joins',
        kind: 'panel',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 3_600_000).toISOString(),
      }),
      201,
    );
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    // Back to the defaults, whatever a test set.
    ok(
      await new ApiClient(node.url)
        .as(tokenFor('admin'))
        .patch(EVENT, { audience: { anonymousMayAsk: true, anonymousMayVote: true, anonymousMayRaiseHand: true, votesPerNetwork: 5 } }),
    );
  });
  after(async () => {
    await node?.stop();
  });

  it('22 fresh anonymous tokens of one network move a question by 5 votes; the other 17 are held and shown to moderators', async () => {
    const questionId = await approvedQuestion('Which partners will pilot the new coating?');
    const outcomes: number[] = [];
    for (let i = 0; i < 22; i++) outcomes.push((await upvote((await joiner('198.51.100.7')).api, questionId)).status);
    assert.ok(
      outcomes.every((status) => status === 200),
      'a held vote is not an error to the voter',
    );

    const publicView = ok<QuestionView[]>(await new ApiClient(node.url).get(`${EVENT}/sessions/${session.id}/questions`)).find(
      (q) => q.id === questionId,
    );
    assert.equal(publicView?.votes, 5, 'the audience sees five votes from that network');
    const held = await moderatorView(questionId);
    assert.equal(held.votes, 5);
    assert.equal(held.heldVotes, 17, 'the burst is visible to moderators');

    // The moderator recognises the delegation behind one NAT: the held votes count.
    const counted = ok<ModeratedQuestionView>(
      await moderator.post(`${EVENT}/sessions/${session.id}/questions/${questionId}/moderate`, { action: 'countHeldVotes' }),
    );
    assert.equal(counted.votes, 22);
    assert.equal(counted.heldVotes, 0);
  });

  it('colleagues behind two office networks each move it by their own budget; a socket vote counts against the same one as REST', async () => {
    const questionId = await approvedQuestion('Is the pilot line open to SMEs?');
    for (let i = 0; i < 4; i++) ok(await upvote((await joiner('203.0.113.10')).api, questionId));
    for (let i = 0; i < 5; i++) ok(await upvote((await joiner('2001:db8:aa:1::' + (i + 1).toString(16))).api, questionId));
    // The fifth vote of the first network comes over Socket.IO.
    const { token } = await joiner('203.0.113.10');
    const socket = await connect(node.url, token, { headers: { 'x-forwarded-for': '203.0.113.10' } });
    sockets.push(socket);
    await request(socket, 'upvoteQuestion', { sessionId: session.id, questionId });
    // A sixth from each: held. An IPv6 address elsewhere in the same /64 is the same network.
    ok(await upvote((await joiner('203.0.113.10')).api, questionId));
    ok(await upvote((await joiner('2001:db8:aa:1:ffff:1:2:3')).api, questionId));
    const view = await moderatorView(questionId);
    assert.equal(view.votes, 10);
    assert.equal(view.heldVotes, 2);
  });

  it("invited participants' votes always count: the budget binds anonymous tokens only", async () => {
    const questionId = await approvedQuestion('What is the licence model?');
    for (let i = 0; i < 8; i++) {
      const invited = anonymous('192.0.2.44').as(tokenFor('attendee', 'demo', `Delegate ${i}`));
      ok(await upvote(invited, questionId));
    }
    const view = await moderatorView(questionId);
    assert.equal(view.votes, 8);
    assert.equal(view.heldVotes, 0);
  });

  it('an event can ask for fewer votes per network, or keep anonymous participants to watching', async () => {
    const admin = new ApiClient(node.url).as(tokenFor('admin'));
    const event = ok<EventRecord>(await admin.patch(EVENT, { audience: { votesPerNetwork: 2 } }));
    assert.deepEqual(event.audience, { anonymousMayAsk: true, anonymousMayVote: true, anonymousMayRaiseHand: true, votesPerNetwork: 2 });
    const questionId = await approvedQuestion('Who owns the jointly developed IP?');
    for (let i = 0; i < 3; i++) ok(await upvote((await joiner('198.51.100.20')).api, questionId));
    assert.equal((await moderatorView(questionId)).votes, 2);

    failed(await admin.patch(EVENT, { audience: { votesPerNetwork: 0 } }), 400, 'bad_request');
    ok(await admin.patch(EVENT, { audience: { anonymousMayAsk: false, anonymousMayVote: false, anonymousMayRaiseHand: false } }));
    const watcher = await joiner('198.51.100.21');
    const before = (await moderatorView(questionId)).votes;
    assert.match(failed(await upvote(watcher.api, questionId), 403, 'forbidden').message, /invited/);
    failed(await watcher.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'Am I heard?' }), 403, 'forbidden');
    failed(await watcher.api.post(`${EVENT}/sessions/${session.id}/hands`), 403, 'forbidden');
    assert.equal((await moderatorView(questionId)).votes, before, 'the refused vote changed nothing');
    // Invited participants keep every right of their role.
    ok(await upvote(new ApiClient(node.url).as(tokenFor('attendee', 'demo', 'Invited')), questionId));
  });

  it('fresh tokens of one network cannot flood the moderators with questions or the queue with hands', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { api } = await joiner('198.51.100.30');
      statuses.push((await api.post(`${EVENT}/sessions/${session.id}/questions`, { text: `Flood ${i}` })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    // Another network is not held back by it.
    ok(await (await joiner('198.51.100.31')).api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'From elsewhere' }), 201);

    const hands: number[] = [];
    for (let i = 0; i < 3; i++)
      hands.push((await (await joiner('198.51.100.32')).api.post(`${EVENT}/sessions/${session.id}/hands`)).status);
    assert.deepEqual(hands, [201, 201, 429]);
    const queue = ok<HandRecord[]>(await moderator.get(`${EVENT}/sessions/${session.id}/hands`));
    assert.equal(queue.filter((h) => h.anonymous === true && h.sourceTag === queue.find((q) => q.anonymous)?.sourceTag).length, 2);
    ok(
      await anonymous('198.51.100.32')
        .as(tokenFor('attendee', 'demo', 'Invited speaker'))
        .post(`${EVENT}/sessions/${session.id}/hands`),
      201,
    );
  });

  it('attendees never see who asked a question (no author id or network), only that it is their own', async () => {
    const asker = await joiner('198.51.100.40');
    const mine = ok<QuestionView>(
      await asker.api.post(`${EVENT}/sessions/${session.id}/questions`, { text: 'Is the dataset public?' }),
      201,
    );
    assert.equal(mine.mine, true);
    const watcherSocket = await connect(node.url, (await joiner('198.51.100.41')).token, {
      headers: { 'x-forwarded-for': '198.51.100.41' },
    });
    sockets.push(watcherSocket);
    await request(watcherSocket, 'subscribeSession', { sessionId: session.id });
    const pushed = new Promise<QuestionView>((resolve) => watcherSocket.on('questionUpdated', (q) => q.id === mine.id && resolve(q)));
    ok(await moderator.post(`${EVENT}/sessions/${session.id}/questions/${mine.id}/moderate`, { action: 'approve' }));
    const broadcast = await pushed;
    for (const field of ['authorId', 'sourceTag', 'heldVotes', 'mine']) assert.ok(!(field in broadcast), `the broadcast has no ${field}`);

    const listedToAsker = ok<QuestionView[]>(await asker.api.get(`${EVENT}/sessions/${session.id}/questions`)).find(
      (q) => q.id === mine.id,
    );
    assert.equal(listedToAsker?.mine, true);
    const listedToOthers = ok<QuestionView[]>(await new ApiClient(node.url).get(`${EVENT}/sessions/${session.id}/questions`));
    for (const question of listedToOthers) {
      assert.ok(!('authorId' in question) && !('sourceTag' in question) && !('heldVotes' in question), 'the public listing hides authors');
      assert.equal(question.mine, undefined);
    }
    const overSocket = await request(watcherSocket, 'subscribeSession', { sessionId: session.id });
    assert.ok(
      overSocket.questions.length > 0 && overSocket.questions.every((q) => !('authorId' in q)),
      'the socket listing hides authors too',
    );
    // Moderators still see who asked, and from which network.
    const full = await moderatorView(mine.id);
    assert.equal(typeof full.authorId, 'string');
    assert.equal(typeof full.sourceTag, 'string');
  });
});
