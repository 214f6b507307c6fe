import assert from 'node:assert/strict';
import type { QuestionView, SessionRecord } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { connect, rawRequest, startStagecast, testSigner, tokenFor } from '../../helpers/stagecast';

const EVENT = '/api/events/demo';

/** The security review's hostile names and questions, through the real join route, REST and Socket.IO. */
describe('Names and questions that spoof or hide are cleaned or refused', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let session: SessionRecord;

  before(async () => {
    node = await startStagecast({ JOIN_RATE_LIMIT_PER_MINUTE: '1000' });
    anonymous = new ApiClient(node.url);
    const host = anonymous.as(tokenFor('host'));
    const start = Date.UTC(2033, 0, 1);
    session = ok<SessionRecord>(
      await host.post(`${EVENT}/sessions`, {
        stageId: 'keynote',
        title: 'Hostile text',
        kind: 'panel',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 3_600_000).toISOString(),
      }),
      201,
    );
  });
  after(async () => {
    await node.stop();
  });

  const join = (name: string) => anonymous.post(`${EVENT}/join`, { name });

  it('refuses a name that shows nothing or impersonates staff, and writes no token for it', async () => {
    for (const name of ['\u200B', '\u200B\u200D\u2060', 'Host (Moderator)', 'Admin']) {
      const body = failed(await join(name), 400, 'bad_request');
      assert.match(body.message, /name/, name);
    }
  });

  it('removes control and bidi-override characters from a name', async () => {
    const reply = ok<{ token: string }>(await join('\u202EAda\u001b\u0000\u0007 Lovelace'), 201);
    assert.equal(testSigner.verify(reply.token).name, 'Ada Lovelace');
  });

  it('refuses a question of zero-width characters only, over REST and Socket.IO, and stores nothing', async () => {
    const token = tokenFor('attendee', 'demo', 'Mei');
    const questions = `${EVENT}/sessions/${session.id}/questions`;
    failed(await anonymous.as(token).post(questions, { text: '\u200B\u200B\u2060\uFEFF' }), 400, 'bad_request');
    const socket = await connect(node.url, token);
    try {
      const answer = await rawRequest(socket, 'submitQuestion', { sessionId: session.id, text: '\u200B \u202E \u200D' });
      assert.equal(answer.ok, false);
      assert.equal(!answer.ok && answer.error.code, 'bad_request');
    } finally {
      socket.disconnect();
    }
    const stored = ok<QuestionView[]>(await anonymous.as(tokenFor('moderator')).get(questions));
    assert.deepEqual(stored, []);
  });

  it('stores a question cleaned of hidden characters', async () => {
    const token = tokenFor('attendee', 'demo', 'Wei');
    const question = ok<QuestionView>(
      await anonymous.as(token).post(`${EVENT}/sessions/${session.id}/questions`, { text: '\u202EHow\u200B does it\u0007 scale?' }),
      201,
    );
    assert.equal(question.text, 'How does it scale?');
  });
});
