import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import type { Principal } from '../../../server/auth/tokens';
import { AppError } from '../../../server/errors';
import { StreamKeys } from '../../../server/conference/StreamKeys';
import type { Store } from '../../../server/store';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

const host: Principal = {
  id: 'host-1',
  role: 'host',
  eventId: 'ev1',
  name: 'Host',
  tokenId: 't1',
  expiresAtMs: Date.now() + 3_600_000,
  anonymous: false,
};

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.code;
  }
  assert.fail('the key was accepted');
}

/** What a stream key must do whichever store keeps it. */
function streamKeyContract(open: () => Promise<Store>): void {
  let store: Store;
  let keys: StreamKeys;
  beforeEach(async () => {
    store = await open();
    keys = new StreamKeys(store);
  });
  afterEach(() => store.close());

  it('verifies a key only for its stage, and keeps nothing that would work as a key', async () => {
    const { record, key } = await keys.create({ eventId: 'ev1', stageId: 'main', feed: 'cam2' }, {}, host);
    assert.equal((await keys.verify(key, { eventId: 'ev1', stageId: 'main' })).id, record.id);
    assert.equal((await keys.verify(key)).feed, 'cam2');
    assert.equal(await refused(keys.verify(key, { eventId: 'ev1', stageId: 'side' })), 'unauthorized');
    const stored = await store.collection('streamKeys').get('ev1', record.id);
    const secret = key.split('.')[2] ?? '';
    assert.ok(stored && secret.length === 64);
    assert.ok(!JSON.stringify(stored).includes(secret));
    assert.equal(stored.secretHash.length, 64);
  });

  it('refuses unknown, tampered, expired and revoked keys alike', async () => {
    const { record, key } = await keys.create({ eventId: 'ev1', stageId: 'main', feed: null }, { expiresInSeconds: 60 }, host);
    const tampered = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    assert.equal(await refused(keys.verify(tampered)), 'unauthorized');
    assert.equal(await refused(keys.verify(`ev1.${'0'.repeat(16)}.${'0'.repeat(64)}`)), 'unauthorized');
    assert.equal(await refused(keys.verify('')), 'unauthorized');
    await store.collection('streamKeys').put({ ...record, expiresAt: new Date(Date.now() - 1).toISOString() });
    assert.equal(await refused(keys.verify(key)), 'unauthorized');
    const other = await keys.create({ eventId: 'ev1', stageId: 'main', feed: null }, {}, host);
    const revoked = await keys.revoke('ev1', 'main', other.record.id, host);
    assert.ok(revoked.revokedAt);
    assert.equal(
      (await keys.revoke('ev1', 'main', other.record.id, host)).revokedAt,
      revoked.revokedAt,
      'a second revocation changes nothing',
    );
    assert.equal(await refused(keys.verify(other.key)), 'unauthorized');
    assert.deepEqual((await keys.list('ev1', 'main')).map((k) => k.id).sort(), [record.id, other.record.id].sort());
    assert.equal(await refused(keys.revoke('ev1', 'side', other.record.id, host)), 'not_found');
  });
}

describe('stream keys on SQLite and Redis', function () {
  this.timeout(20_000);
  const teardown = new Teardown();
  after(() => teardown.run());

  describe('SQLite', () => {
    let dir: string;
    let n = 0;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-keys-'));
      teardown.add('the SQLite directory', () => fs.rmSync(dir, { recursive: true, force: true }));
    });
    streamKeyContract(async () => new SqliteStore(path.join(dir, `keys-${++n}.db`)));
  });

  describe('Redis', () => {
    let redis: RedisServer;
    before(async () => {
      redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
    });
    streamKeyContract(async () => {
      const admin = await createClient({ url: redis.url }).connect();
      await admin.flushAll();
      admin.destroy();
      return new RedisStore({ url: redis.url, commandTimeoutMs: 1000 });
    });
  });
});
