import assert from 'node:assert/strict';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import type { types as clientTypes } from 'mediasoup-client';
import type { HandRecord, QuestionView } from '../../signaling/contract';
import { waitFor } from '../helpers/net';
import { type ClientSocket, connect, fakeDevice, rawRequest, request, startStagecast, tokenFor } from '../helpers/stagecast';

/** Collects what a socket is pushed, to assert on later. */
function listen(socket: ClientSocket) {
  const heard = { updated: [] as QuestionView[], removed: [] as string[], hands: [] as HandRecord[] };
  socket.on('questionUpdated', (q) => heard.updated.push(q));
  socket.on('questionRemoved', (e) => heard.removed.push(e.questionId));
  socket.on('handUpdated', (h) => heard.hands.push(h));
  return heard;
}

describe('Live Q&A and raised hands over Socket.IO', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let sessionId: string;
  const sockets: ClientSocket[] = [];

  async function open(role: 'attendee' | 'moderator' | 'host', name?: string): Promise<ClientSocket> {
    const socket = await connect(node.url, tokenFor(role, 'demo', name));
    sockets.push(socket);
    return socket;
  }

  before(async () => {
    node = await startStagecast();
    const session = await node.node.conference.agenda.createSession('demo', {
      stageId: 'keynote',
      title: 'Achievement release: robotics',
      kind: 'achievement-release',
      speakerIds: [],
      plannedStart: '2026-12-01T10:00:00+08:00',
      plannedEnd: '2026-12-01T10:30:00+08:00',
    });
    sessionId = session.id;
    await node.node.conference.program.startSession('demo', sessionId);
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await node.stop();
  });

  it('a question approved by a moderator reaches a second attendee live; pending ones stay hidden', async () => {
    const asker = await open('attendee', 'Asker');
    const other = await open('attendee', 'Other');
    const moderator = await open('moderator');
    const otherHeard = listen(other);
    const moderatorHeard = listen(moderator);
    assert.deepEqual((await request(other, 'subscribeSession', { sessionId })).hands, [], 'attendees get no queue, only their own hand');
    assert.deepEqual((await request(moderator, 'subscribeSession', { sessionId })).hands, []);

    const question = await request(asker, 'submitQuestion', { sessionId, text: '  When will the robot ship?  ' });
    assert.equal(question.text, 'When will the robot ship?');
    assert.equal(question.status, 'pending');
    await waitFor(
      async () => (moderatorHeard.updated.some((q) => q.id === question.id) ? true : undefined),
      5000,
      'moderator sees the pending question',
    );
    assert.ok(!otherHeard.updated.some((q) => q.id === question.id), 'the other attendee does not see it while pending');
    assert.equal((await request(other, 'subscribeSession', { sessionId })).questions.length, 0);

    await request(moderator, 'moderateQuestion', { sessionId, questionId: question.id, action: 'approve' });
    const seen = await waitFor(
      async () => otherHeard.updated.find((q) => q.id === question.id),
      5000,
      'approved question at the other attendee',
    );
    assert.equal(seen.status, 'approved');

    await request(moderator, 'moderateQuestion', { sessionId, questionId: question.id, action: 'reject' });
    await waitFor(
      async () => (otherHeard.removed.includes(question.id) ? true : undefined),
      5000,
      'rejected question removed at the attendee',
    );
  });

  it('counts a double upvote once and pushes the new count', async () => {
    const asker = await open('attendee');
    const voter = await open('attendee');
    const moderator = await open('moderator');
    const moderatorHeard = listen(moderator);
    await request(moderator, 'subscribeSession', { sessionId });
    const question = await request(asker, 'submitQuestion', { sessionId, text: 'Is the dataset public?' });
    await request(moderator, 'moderateQuestion', { sessionId, questionId: question.id, action: 'approve' });
    const first = await request(voter, 'upvoteQuestion', { sessionId, questionId: question.id });
    const second = await request(voter, 'upvoteQuestion', { sessionId, questionId: question.id });
    assert.equal(first.votes, 1);
    assert.equal(second.votes, 1);
    await waitFor(
      async () => (moderatorHeard.updated.some((q) => q.id === question.id && q.votes === 1) ? true : undefined),
      5000,
      'vote count pushed',
    );
    assert.equal((await node.node.store.votes.counts([question.id])).get(question.id), 1);
  });

  it('an accepted hand lets an attendee publish; lowering it closes the producer', async () => {
    const attendee = await open('attendee', 'Remote guest');
    const moderator = await open('moderator');
    const attendeeHeard = listen(attendee);
    await request(moderator, 'subscribeSession', { sessionId });
    const joined = await request(attendee, 'join', { stageId: 'keynote' });
    const refused = await rawRequest(attendee, 'createTransport', { direction: 'send' });
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'forbidden', 'no right to publish before the hand is accepted');

    const hand = await request(attendee, 'raiseHand', { sessionId });
    assert.equal((await request(attendee, 'raiseHand', { sessionId })).id, hand.id, 'raising again answers the same hand');
    assert.deepEqual(
      (await request(attendee, 'subscribeSession', { sessionId })).hands.map((h) => h.id),
      [hand.id],
      'a reloaded page finds its own hand',
    );
    await request(moderator, 'answerHand', { sessionId, handId: hand.id, action: 'accept' });
    await waitFor(
      async () => (attendeeHeard.hands.some((h) => h.status === 'accepted') ? true : undefined),
      5000,
      'acceptance pushed to the attendee',
    );

    const device = await fakeDevice(joined.routerRtpCapabilities);
    const options = await request(attendee, 'createTransport', { direction: 'send' });
    const transport = device.createSendTransport(options as clientTypes.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      request(attendee, 'connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters }, done, fail) => {
      request(attendee, 'produce', { transportId: transport.id, kind, rtpParameters, source: 'camera' }).then(
        ({ producerId }) => done({ id: producerId }),
        fail,
      );
    });
    const producer = await transport.produce({ track: new FakeMediaStreamTrack({ kind: 'audio' }) });
    const closed: string[] = [];
    attendee.on('producerClosed', (e) => closed.push(e.producerId));

    await request(moderator, 'answerHand', { sessionId, handId: hand.id, action: 'lower' });
    await waitFor(async () => (closed.includes(producer.id) ? true : undefined), 5000, 'producer closed after the hand was lowered');
    const stage = node.node.media.existingStage('demo/keynote');
    assert.ok(!stage?.hasProducer(producer.id));
  });
});
