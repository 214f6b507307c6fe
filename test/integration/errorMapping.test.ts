import assert from 'node:assert/strict';
import { type ClientSocket, connect, rawRequest, startStagecast, tokenFor } from '../helpers/stagecast';

/**
 * A failure of the media layer is the server's, not the client's: every edge answers it as
 * `unavailable` (503 over REST), with the media layer's message, never as `internal`.
 * The SFU is closed under a running node, so every media request fails inside media/ for real.
 */
describe('A media failure answers unavailable at every edge', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let socket: ClientSocket | undefined;

  before(async () => {
    node = await startStagecast();
    node.node.media.close();
  });
  after(async () => {
    socket?.disconnect();
    await node.stop();
  });

  it('REST: opening the hall feed answers 503 unavailable', async () => {
    const response = await fetch(`${node.url}/api/events/demo/stages/keynote/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('host')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(response.status, 503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'unavailable');
    assert.match(body.error.message, /media node closed/);
  });

  it('socket: joining a stage acks unavailable', async () => {
    socket = await connect(node.url, tokenFor('attendee'));
    const answer = await rawRequest(socket, 'join', { stageId: 'keynote' });
    assert.deepEqual(answer, { ok: false, error: { code: 'unavailable', message: 'media node closed' } });
    assert.equal(node.node.signaling.peers.size, 0, 'no peer was created');
  });
});
