import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const BUILD_SCRIPT = path.join(__dirname, '../../../scripts/build-worker.mjs');
const FIXES_MODULE = pathToFileURL(path.join(__dirname, '../../../scripts/worker-fixes.mjs')).href;

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

  it('applies each source fix once, and refuses a vendored source other than the one a fix was written for', () => {
    // The fixes module is plain ESM (it runs during npm install): exercise it in a child Node.
    const script = `
      import { SOURCE_FIXES, applyFix, needsFix } from ${JSON.stringify(FIXES_MODULE)};
      const report = SOURCE_FIXES.map((fix) => {
        const original = Array.from({ length: fix.count ?? 1 }, () => 'before\\n' + fix.find).join('') + 'after\\n';
        const fixed = applyFix(original, fix);
        let refused = '';
        try {
          needsFix('the source of another release\\n', fix);
        } catch (error) {
          refused = error.message;
        }
        return { file: fix.file, needed: needsFix(original, fix), neededAgain: needsFix(fixed, fix), refused };
      });
      process.stdout.write(JSON.stringify(report));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { file: string; needed: boolean; neededAgain: boolean; refused: string }[];
    assert.ok(report.length >= 15, `${report.length} fixes`);
    for (const entry of report) {
      assert.equal(entry.needed, true, `${entry.file}: the original needs the fix`);
      assert.equal(entry.neededAgain, false, `${entry.file}: a fixed file is left alone`);
      assert.match(entry.refused, /expected the text to fix \d+ time\(s\), found it 0 time\(s\)/, entry.file);
    }
  });

  it("frames the worker channel without Node's deprecated Buffer() (each call of which walked the stack)", () => {
    const channel = createRequire(require.resolve('mediasoup/package.json'));
    const nsFile = channel.resolve('netstring/ns.js');
    assert.doesNotMatch(fs.readFileSync(nsFile, 'utf8'), /new Buffer\(/, `${nsFile} as installed`);
    const netstring = channel('netstring') as { nsWrite(payload: string): Buffer; nsPayload(frame: Buffer): Buffer };
    const frame = netstring.nsWrite('{"id":1,"method":"worker.dump"}');
    assert.equal(frame.toString(), '31:{"id":1,"method":"worker.dump"},');
    assert.equal(netstring.nsPayload(frame).toString(), '{"id":1,"method":"worker.dump"}');
  });

  it('reuses the cached worker binary instead of compiling', () => {
    const result = spawnSync(process.execPath, [BUILD_SCRIPT], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /worker taken from cache .*3\.8\.4-[0-9a-f]{16}\/mediasoup-worker/);
  });
});
