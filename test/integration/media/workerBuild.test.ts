import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BUILD_SCRIPT = path.join(__dirname, '../../../scripts/build-worker.mjs');

describe('worker build script', () => {
  it('stops with a message naming each missing prerequisite when it cannot build', () => {
    const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-worker-cache-'));
    try {
      const result = spawnSync(process.execPath, [BUILD_SCRIPT], {
        env: { PATH: emptyCache, HOME: emptyCache, STAGECAST_WORKER_CACHE: emptyCache },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /missing python3, make, g\+\+/);
      assert.match(result.stderr, /apt-get install python3 make g\+\+/);
      assert.deepEqual(fs.readdirSync(emptyCache), [], 'nothing was written to the cache');
    } finally {
      fs.rmSync(emptyCache, { recursive: true, force: true });
    }
  });

  it('reuses the cached worker binary instead of compiling', () => {
    const result = spawnSync(process.execPath, [BUILD_SCRIPT], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /worker taken from cache .*3\.8\.4-[0-9a-f]{16}\/mediasoup-worker/);
  });
});
