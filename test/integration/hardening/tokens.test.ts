import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { DEV_JWT_SECRET } from '../../../server/config';
import { ApiClient, failed, ok } from '../../helpers/api';
import { type ClientSocket, connect, request, startStagecast, tokenFor } from '../../helpers/stagecast';

/** What a socket handshake refusal carries. */
async function refusedHandshake(url: string, token: string): Promise<{ message: string; code: unknown }> {
  try {
    const socket = await connect(url, token);
    socket.disconnect();
  } catch (error) {
    const refusal = error as Error & { data?: { code?: unknown } };
    return { message: refusal.message, code: refusal.data?.code };
  }
  assert.fail('the handshake was accepted');
}

describe('Token lifetime and revocation', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  const sockets: ClientSocket[] = [];

  before(async () => {
    stagecast = await startStagecast({ TOKEN_MAX_TTL_SECONDS: '86400' });
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await stagecast?.stop();
  });

  const handMade = (options: jwt.SignOptions): string =>
    jwt.sign({ role: 'admin', event: 'demo', name: 'Forever' }, DEV_JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'stagecast',
      subject: 'admin-1',
      jwtid: 'jti-1',
      ...options,
    });

  it('a correctly signed token without exp is refused over REST and at the socket handshake', async () => {
    const forever = handMade({});
    const reply = await new ApiClient(stagecast.url).as(forever).get('/api/health');
    assert.match(failed(reply, 401, 'unauthorized').message, /without expiry/);
    assert.deepEqual(await refusedHandshake(stagecast.url, forever), { message: 'token without expiry (exp)', code: 'unauthorized' });
  });

  it('a token living longer than TOKEN_MAX_TTL_SECONDS is refused', async () => {
    const tenYears = handMade({ expiresIn: 10 * 365 * 86400 });
    failed(await new ApiClient(stagecast.url).as(tenYears).get('/api/health'), 401, 'unauthorized');
    assert.equal((await refusedHandshake(stagecast.url, tenYears)).code, 'unauthorized');
    // Within the cap, the same hand-made token is fine.
    ok(await new ApiClient(stagecast.url).as(handMade({ expiresIn: 86400 })).get('/api/health'));
  });

  it('a revoked admin token is refused from then on, and its open socket is closed', async () => {
    const leaked = tokenFor('admin', 'demo', 'Leaked admin');
    const socket = await connect(stagecast.url, leaked);
    sockets.push(socket);
    const { peerId } = await request(socket, 'join', { stageId: 'keynote' });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    ok(await new ApiClient(stagecast.url).as(leaked).get('/api/health'));

    const admin = new ApiClient(stagecast.url).as(tokenFor('admin', 'demo', 'Other admin'));
    const revoked = ok<{ tokenId: string; role: string }>(await admin.post('/api/events/demo/tokens/revocations', { token: leaked }), 201);
    assert.equal(revoked.role, 'admin');

    assert.equal(await closed, 'io server disconnect');
    assert.equal(stagecast.node.signaling.peers.get(peerId), undefined, 'what it joined is closed, not parked');
    assert.match(failed(await new ApiClient(stagecast.url).as(leaked).get('/api/health'), 401, 'unauthorized').message, /revoked/);
    assert.deepEqual(await refusedHandshake(stagecast.url, leaked), { message: 'token revoked', code: 'unauthorized' });
    const stored = await stagecast.node.store.collection('revokedTokens').get('demo', revoked.tokenId);
    assert.equal(stored?.role, 'admin');
    // The revoking admin's own token still works; revoking twice is harmless.
    ok(await admin.post('/api/events/demo/tokens/revocations', { token: leaked }), 201);
  });

  it('only an admin of the event may revoke, and only its event’s tokens', async () => {
    const host = tokenFor('host', 'demo', 'Host');
    failed(
      await new ApiClient(stagecast.url).as(host).post('/api/events/demo/tokens/revocations', { token: tokenFor('ops') }),
      403,
      'forbidden',
    );
    const admin = new ApiClient(stagecast.url).as(tokenFor('admin', 'demo', 'Admin'));
    failed(await admin.post('/api/events/demo/tokens/revocations', { token: tokenFor('host', 'elsewhere') }), 400, 'bad_request');
    failed(await admin.post('/api/events/demo/tokens/revocations', { token: tokenFor('attendee') }), 400, 'bad_request');
    failed(await admin.post('/api/events/demo/tokens/revocations', { token: 'not-a-token' }), 400, 'bad_request');
    // The host token was not revoked by the refused attempt.
    ok(await new ApiClient(stagecast.url).as(host).get('/api/health'));
  });
});
