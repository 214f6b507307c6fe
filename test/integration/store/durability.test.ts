import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnGroup } from '../../../scripts/lib/processGroup';
import type { Store } from '../../../server/store';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { waitFor } from '../../helpers/net';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

const WRITER = path.join(__dirname, '../../fixtures/store-writer.ts');

const teardown = new Teardown();

/**
 * Runs the writer (in a process group of its own, ended after the test whatever happens) until it has
 * acknowledged `acks` writes, then SIGKILLs it; returns the last acknowledged n. A writer that stops
 * acknowledging fails the wait, which names how far it got and what it printed.
 */
async function writeThenKill(kind: 'sqlite' | 'redis', target: string, acks: number): Promise<number> {
  const writer = spawnGroup(process.execPath, ['--import', 'tsx', WRITER, kind, target]);
  teardown.add(`the ${kind} writer`, () => writer.stop());
  const lastAck = (): number => {
    // Whole lines only: a line cut by the kill is not an acknowledgement.
    const all = [...writer.output().matchAll(/^ack (\d+)\n/gm)];
    return all.length === 0 ? -1 : Number(all[all.length - 1][1]);
  };
  await waitFor(
    async () => {
      if (writer.child.exitCode !== null) throw new Error(`the writer exited ${writer.child.exitCode}: ${writer.output().slice(-2000)}`);
      return lastAck() + 1 >= acks;
    },
    { what: `the ${kind} writer acknowledging ${acks} writes`, timeoutMs: 40_000 },
  );
  writer.child.kill('SIGKILL');
  const { signal } = await writer.exited;
  assert.equal(signal, 'SIGKILL', 'the writer was killed, not exited');
  // Read after the kill: an ack printed just before it still counts.
  return lastAck();
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
  afterEach(() => teardown.run());

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
