import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Store } from '../../../server/store';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { RedisServer } from '../../helpers/redis';

const WRITER = path.join(__dirname, '../../fixtures/store-writer.ts');

/** Runs the writer until it has acknowledged `acks` writes, then SIGKILLs it; returns the last acked n. */
async function writeThenKill(kind: 'sqlite' | 'redis', target: string, acks: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, kind, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let last = -1;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const match = /^ack (\d+)$/.exec(line);
    if (!match) continue;
    last = Number(match[1]);
    if (last + 1 >= acks) {
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL', 'the writer was killed, not exited');
  return last;
}

async function assertAllAcknowledgedPresent(store: Store, lastAcked: number): Promise<void> {
  const questions = await store.collection('questions').list('s1');
  const ids = new Set(questions.map((q) => q.id));
  const ackedIds = Array.from({ length: lastAcked + 1 }, (_, n) => `q${n}`);
  const missing = ackedIds.filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], 'every acknowledged question is stored');
  const votes = await store.votes.counts(ackedIds);
  assert.ok(
    ackedIds.every((id) => votes.get(id) === 1),
    'every acknowledged vote is stored',
  );
}

describe('Acknowledged writes survive kill -9 of the stagecast process', function () {
  this.timeout(60_000);

  it('SQLite: every acknowledged write is in the file after the writer is SIGKILLed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-durable-'));
    const file = path.join(dir, 'stagecast.db');
    try {
      const lastAcked = await writeThenKill('sqlite', file, 300);
      const store = new SqliteStore(file);
      try {
        await assertAllAcknowledgedPresent(store, lastAcked);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Redis (appendfsync always): every acknowledged write survives the writer and then Redis being SIGKILLed', async () => {
    const redis = await RedisServer.start();
    try {
      const lastAcked = await writeThenKill('redis', redis.url, 300);
      await redis.restart();
      const store = new RedisStore({ url: redis.url, commandTimeoutMs: 2000 });
      try {
        await assertAllAcknowledgedPresent(store, lastAcked);
      } finally {
        await store.close();
      }
    } finally {
      await redis.stop();
    }
  });
});
