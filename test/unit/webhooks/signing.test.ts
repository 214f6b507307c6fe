import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { nextAttemptAt } from '../../../server/webhooks/retryPolicy';
import { newSecret, signHeaders } from '../../../server/webhooks/signing';

describe('webhook signing', () => {
  const body = JSON.stringify({ type: 'session.started', data: { id: 's1' } });

  it('signs so that the Standard Webhooks library verifies the body, and refuses a tampered one', () => {
    const secret = newSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signHeaders({ secret, previousSecret: null, previousSecretUntil: null }, 'msg_1', body, new Date());
    assert.deepEqual(new Webhook(secret).verify(body, { ...headers }), JSON.parse(body));
    assert.throws(() => new Webhook(secret).verify(body.replace('s1', 's2'), { ...headers }));
    assert.throws(() => new Webhook(newSecret()).verify(body, { ...headers }), 'another secret does not verify it');
  });

  it('sends both signatures while a rotated-out secret is in its overlap, and only the new one after', () => {
    const [oldSecret, newOne] = [newSecret(), newSecret()];
    const now = new Date();
    const during = signHeaders(
      { secret: newOne, previousSecret: oldSecret, previousSecretUntil: new Date(now.getTime() + 60_000).toISOString() },
      'msg_2',
      body,
      now,
    );
    assert.equal(during['webhook-signature'].split(' ').length, 2);
    new Webhook(oldSecret).verify(body, { ...during });
    new Webhook(newOne).verify(body, { ...during });
    const after = signHeaders(
      { secret: newOne, previousSecret: oldSecret, previousSecretUntil: new Date(now.getTime() - 1).toISOString() },
      'msg_2',
      body,
      now,
    );
    assert.equal(after['webhook-signature'].split(' ').length, 1);
    assert.throws(() => new Webhook(oldSecret).verify(body, { ...after }));
  });
});

describe('webhook retry policy', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, giveUpAfterMs: 24 * 3600_000 };

  it('backs off exponentially with jitter between half the step and the step, capped', () => {
    const first = 0;
    assert.equal(
      nextAttemptAt(policy, 1, first, 0, () => 0),
      500,
    );
    assert.equal(
      nextAttemptAt(policy, 1, first, 0, () => 1),
      1000,
    );
    assert.equal(
      nextAttemptAt(policy, 3, first, 0, () => 1),
      4000,
    );
    assert.equal(
      nextAttemptAt(policy, 3, first, 0, () => 0),
      2000,
    );
    assert.equal(
      nextAttemptAt(policy, 30, first, 0, () => 1),
      60_000,
      'capped at the longest wait',
    );
  });

  it('gives up once the next attempt would fall beyond 24 h after the first', () => {
    const day = 24 * 3600_000;
    assert.equal(
      nextAttemptAt(policy, 20, 0, day - 10_000, () => 1),
      null,
    );
    assert.equal(
      nextAttemptAt(policy, 20, 0, day - 120_000, () => 1),
      day - 60_000,
    );
  });
});
