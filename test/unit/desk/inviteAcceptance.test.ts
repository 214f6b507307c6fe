import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Principal } from '../../../server/auth/tokens';
import { createTokenSigner } from '../../../server/auth/tokens';
import { systemClock } from '../../../server/desk/clock';
import { Parties } from '../../../server/desk/Parties';
import { AppError } from '../../../server/errors';
import type { Collection, Store } from '../../../server/store';
import type { CollectionName, Collections } from '../../../server/store/records';
import { SqliteStore } from '../../../server/store/SqliteStore';

const HOST: Principal = {
  id: 'host-1',
  role: 'host',
  eventId: 'demo',
  name: 'Host',
  tokenId: 't',
  expiresAtMs: Date.now() + 3_600_000,
  anonymous: false,
};

/** A real SQLite store whose delegate writes fail while `failing` is set (the store going away mid-accept). */
function withFailingDelegates(store: Store, state: { failing: boolean }): Store {
  const collection = <C extends CollectionName>(name: C): Collection<Collections[C]> => {
    const real = store.collection(name);
    if (name !== 'delegates') return real;
    return {
      ...real,
      get: (scope, id) => real.get(scope, id),
      list: (scope) => real.list(scope),
      insert: (record) => real.insert(record),
      delete: (scope, id) => real.delete(scope, id),
      put: async (record) => {
        if (state.failing) throw new AppError('unavailable', 'the store did not answer');
        await real.put(record);
      },
    };
  };
  return Object.assign(Object.create(store) as Store, { collection });
}

describe('Accepting an invite when the store fails half way', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-invite-'));
    store = new SqliteStore(path.join(dir, 'store.db'));
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not burn the invite: once the store is back the same code gives the delegate, and then never again', async () => {
    const state = { failing: true };
    const parties = new Parties(withFailingDelegates(store, state), createTokenSigner('x'.repeat(32), 3600), systemClock);
    const organisation = await parties.createOrganisation('demo', { name: 'Zhongyuan Optics Co.', kind: 'enterprise' });
    const invite = await parties.inviteDelegate('demo', { organisationId: organisation.id, name: 'Wang Fang' }, HOST);

    await assert.rejects(parties.acceptInvite('demo', invite.code), { code: 'unavailable' });
    assert.deepEqual(await store.collection('delegates').list('demo'), [], 'no delegate was written');
    assert.equal(await store.collection('inviteClaims').get('demo', invite.inviteId), undefined, 'the claim was released');

    state.failing = false;
    const accepted = await parties.acceptInvite('demo', invite.code);
    assert.equal(accepted.delegate.name, 'Wang Fang');
    await assert.rejects(parties.acceptInvite('demo', invite.code), { code: 'conflict' });
  });
});
