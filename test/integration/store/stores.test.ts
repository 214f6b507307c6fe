import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
