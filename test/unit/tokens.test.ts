import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { createTokenSigner } from '../../server/auth/tokens';
import { AppError } from '../../server/errors';

const SECRET = 'x'.repeat(40);

function refusedAs(message: RegExp) {
  return (error: unknown) => error instanceof AppError && error.code === 'unauthorized' && message.test(error.message);
}

describe('access tokens', () => {
  const signer = createTokenSigner(SECRET, 3600);

  it('round-trips role, event and name with a fresh participant id', () => {
    const principal = signer.verify(signer.sign({ role: 'host', eventId: 'demo', name: 'Ada' }));
    assert.equal(principal.role, 'host');
    assert.equal(principal.eventId, 'demo');
    assert.equal(principal.name, 'Ada');
    assert.match(principal.id, /^[0-9a-f-]{36}$/);
    const other = signer.verify(signer.sign({ role: 'host', eventId: 'demo' }));
    assert.notEqual(other.id, principal.id);
  });

  it('refuses an expired token', () => {
    const token = jwt.sign({ role: 'host', event: 'demo', name: 'x', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, {
      algorithm: 'HS256',
      issuer: 'stagecast',
      subject: 'p1',
    });
    assert.throws(() => signer.verify(token), refusedAs(/expired/));
  });

  it('refuses a tampered payload', () => {
    const [header, , signature] = signer.sign({ role: 'attendee', eventId: 'demo' }).split('.');
    const forged = Buffer.from(JSON.stringify({ role: 'admin', event: 'demo', name: 'x', sub: 'p1', iss: 'stagecast' })).toString(
      'base64url',
    );
    assert.throws(() => signer.verify(`${header}.${forged}.${signature}`), refusedAs(/invalid token/));
  });

  it('refuses alg "none" and a token signed with another secret', () => {
    const none = jwt.sign({ role: 'admin', event: 'demo', name: 'x', sub: 'p1', iss: 'stagecast' }, '', { algorithm: 'none' });
    assert.throws(() => signer.verify(none), refusedAs(/invalid token/));
    const foreign = createTokenSigner('y'.repeat(40), 3600).sign({ role: 'admin', eventId: 'demo' });
    assert.throws(() => signer.verify(foreign), refusedAs(/invalid token/));
  });

  it('refuses a validly signed token with an unknown role', () => {
    const token = jwt.sign({ role: 'superuser', event: 'demo', name: 'x' }, SECRET, {
      algorithm: 'HS256',
      issuer: 'stagecast',
      subject: 'p1',
    });
    assert.throws(() => signer.verify(token), refusedAs(/claims/));
  });

  const handMade = (claims: object, options: jwt.SignOptions = {}): string =>
    jwt.sign({ role: 'admin', event: 'demo', name: 'x', ...claims }, SECRET, {
      algorithm: 'HS256',
      issuer: 'stagecast',
      subject: 'p1',
      ...options,
    });

  it("round-trips an interpreter's booth (stg, lng), and refuses an interpreter token without one or with a malformed language", () => {
    const principal = signer.verify(
      signer.sign({ role: 'interpreter', eventId: 'demo', name: 'Ada', stageId: 'keynote', language: 'zh-Hans' }),
    );
    assert.deepEqual([principal.role, principal.stageId, principal.language], ['interpreter', 'keynote', 'zh-Hans']);
    assert.throws(
      () => signer.verify(signer.sign({ role: 'interpreter', eventId: 'demo', stageId: 'keynote' })),
      refusedAs(/stage and language/),
    );
    assert.throws(
      () => signer.verify(signer.sign({ role: 'interpreter', eventId: 'demo', language: 'en' })),
      refusedAs(/stage and language/),
    );
    const hour = Math.floor(Date.now() / 1000) + 3600;
    assert.throws(
      () => signer.verify(handMade({ role: 'interpreter', stg: 'keynote', lng: 'en"><script>', exp: hour }, { jwtid: 'j2' })),
      refusedAs(/claims/),
    );
  });

  it('refuses a validly signed token without exp, whatever else it carries', () => {
    assert.throws(() => signer.verify(handMade({}, { jwtid: 'j1' })), refusedAs(/without expiry/));
  });

  it('refuses a token whose lifetime is beyond the cap, and one without a token id', () => {
    const capped = createTokenSigner(SECRET, 3600, 7200);
    assert.throws(() => capped.verify(handMade({}, { expiresIn: 7201, jwtid: 'j1' })), refusedAs(/lifetime beyond 7200 s/));
    assert.throws(() => capped.verify(handMade({}, { expiresIn: 60, jwtid: 'j1', noTimestamp: true })), refusedAs(/lifetime/));
    assert.equal(capped.verify(handMade({}, { expiresIn: 7200, jwtid: 'j1' })).tokenId, 'j1');
    assert.throws(() => capped.verify(handMade({}, { expiresIn: 60 })), refusedAs(/without id/));
  });

  it('gives every token an id and an expiry, and cannot sign beyond its cap', () => {
    const a = signer.verify(signer.sign({ role: 'host', eventId: 'demo' }));
    const b = signer.verify(signer.sign({ role: 'host', eventId: 'demo' }));
    assert.notEqual(a.tokenId, b.tokenId);
    assert.ok(Math.abs(a.expiresAtMs - (Date.now() + 3600_000)) < 60_000);
    assert.throws(() => createTokenSigner(SECRET, 7201, 7200), RangeError);
  });
});
