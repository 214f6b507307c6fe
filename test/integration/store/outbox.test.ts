import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../../server/store';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

/** What the webhook outbox must do whichever store keeps it. */
function outboxContract(open: () => Promise<Store[]>): void {
  let stores: Store[];
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
  });

  it('answers due entries once per lease, earliest first, and again once the lease has run out', async () => {
    const [store] = stores as [Store];
    await store.outbox.add([
      { id: 'b', dueAtMs: 200, data: 'B' },
      { id: 'a', dueAtMs: 100, data: 'A' },
      { id: 'later', dueAtMs: 10_000, data: 'L' },
    ]);
    assert.deepEqual(
      (await store.outbox.claimDue(1000, 500, 10)).map((e) => [e.id, e.data, e.dueAtMs]),
      [
        ['a', 'A', 1500],
        ['b', 'B', 1500],
      ],
    );
    assert.deepEqual(await store.outbox.claimDue(1400, 500, 10), [], 'leased: not answered again');
    assert.deepEqual(
      (await store.outbox.claimDue(1500, 500, 1)).map((e) => e.id),
      ['a'],
      'the lease ran out; the limit holds',
    );
    assert.equal(await store.outbox.size(), 3);
  });

  it('reschedules with a new body, removes, and never brings back a removed entry', async () => {
    const [store] = stores as [Store];
    await store.outbox.add([{ id: 'x', dueAtMs: 0, data: 'first' }]);
    await store.outbox.reschedule({ id: 'x', dueAtMs: 50, data: 'second' });
    assert.deepEqual(await store.outbox.claimDue(49, 10, 10), []);
    assert.deepEqual(
      (await store.outbox.claimDue(50, 10, 10)).map((e) => e.data),
      ['second'],
    );
    await store.outbox.remove('x');
    await store.outbox.reschedule({ id: 'x', dueAtMs: 0, data: 'late' });
    assert.deepEqual(await store.outbox.claimDue(1_000_000, 10, 10), []);
    assert.equal(await store.outbox.size(), 0);
  });

  it('replaces a claimed entry by others only while its claim holds', async () => {
    const [store] = stores as [Store];
    await store.outbox.add([{ id: 'change', dueAtMs: 0, data: 'C' }]);
    const [claimed] = await store.outbox.claimDue(100, 50, 10);
    assert.equal(claimed?.dueAtMs, 150);
    // Claimed again once the lease ran out (another node): the first claim no longer holds.
    const [again] = await store.outbox.claimDue(150, 50, 10);
    assert.equal(await store.outbox.replace(claimed, [{ id: 'stale', dueAtMs: 0, data: 'S' }]), false);
    assert.equal(
      await store.outbox.replace(again, [
        { id: 'one', dueAtMs: 300, data: '1' },
        { id: 'two', dueAtMs: 300, data: '2' },
      ]),
      true,
    );
    assert.equal(await store.outbox.replace(again, [{ id: 'twice', dueAtMs: 0, data: 'T' }]), false, 'a replaced entry is gone');
    assert.deepEqual(
      (await store.outbox.claimDue(1000, 50, 10)).map((e) => [e.id, e.data]),
      [
        ['one', '1'],
        ['two', '2'],
      ],
    );
  });

  it('counts sequences per name from 1, atomically under concurrent callers', async () => {
    const values = await Promise.all(stores.flatMap((store) => Array.from({ length: 20 }, () => store.outbox.nextSequence('demo/main'))));
    assert.deepEqual(
      [...values].sort((x, y) => x - y),
      values.map((_, i) => i + 1),
    );
    assert.equal(await stores[0].outbox.nextSequence('demo/side'), 1);
  });
}

describe('webhook outbox on SQLite', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  outboxContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-outbox-'));
    dirs.push(dir);
    return [new SqliteStore(path.join(dir, 'stagecast.db'))];
  });
});

describe('webhook outbox on Redis, two stores (two nodes) on one server', function () {
  this.timeout(20_000);
  const teardown = new Teardown();
  let redis: RedisServer;
  let prefix = 0;
  before(async () => {
    redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
  });
  after(() => teardown.run());
  outboxContract(async () => {
    prefix += 1;
    const options = { url: redis.url, commandTimeoutMs: 2000, keyPrefix: `outbox${prefix}:` };
    return [new RedisStore(options), new RedisStore(options)];
  });

  it('lets only one of two nodes claim an entry', async () => {
    prefix += 1;
    const options = { url: redis.url, commandTimeoutMs: 2000, keyPrefix: `race${prefix}:` };
    const [a, b] = [new RedisStore(options), new RedisStore(options)];
    try {
      await a.outbox.add(Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, dueAtMs: i, data: String(i) })));
      const claims = await Promise.all([a, b, a, b].map((store) => store.outbox.claimDue(100, 10_000, 20)));
      const ids = claims.flat().map((e) => e.id);
      assert.equal(ids.length, 50);
      assert.equal(new Set(ids).size, 50, 'no entry claimed twice');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
