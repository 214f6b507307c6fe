import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { RedisServer } from '../../helpers/redis';
import { storeContract } from './contract';

describe('Store contract: SQLite (embedded default)', () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-sqlite-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  storeContract(async () => new SqliteStore(path.join(dir, `store-${++n}.db`)));

  it('opens a store written before votes had networks: its votes count, and new ones are budgeted', async () => {
    const file = path.join(dir, 'before-networks.db');
    const old = new Database(file);
    old.exec('CREATE TABLE votes (question_id TEXT NOT NULL, voter_id TEXT NOT NULL, PRIMARY KEY (question_id, voter_id)) WITHOUT ROWID');
    old.prepare('INSERT INTO votes VALUES (?, ?)').run('q1', 'alice');
    old.close();
    const store = new SqliteStore(file);
    try {
      assert.equal((await store.votes.counts(['q1'])).get('q1'), 1);
      assert.equal(await store.votes.add('q1', 'alice'), 'duplicate');
      const budget = { source: 'net', limit: 1, windowMs: 60_000, nowMs: Date.now() };
      assert.equal(await store.votes.add('q1', 'bob', budget), 'counted');
      assert.equal(await store.votes.add('q1', 'carol', budget), 'held');
    } finally {
      await store.close();
    }
  });
});

describe('Store contract: Redis', () => {
  let redis: RedisServer;
  before(async function () {
    this.timeout(15_000);
    redis = await RedisServer.start();
  });
  after(async () => redis.stop());

  storeContract(async () => {
    const admin = await createClient({ url: redis.url }).connect();
    await admin.flushAll();
    admin.destroy();
    return new RedisStore({ url: redis.url, commandTimeoutMs: 1000 });
  });
});
