import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnGroup } from '../../scripts/lib/processGroup';
import { Teardown } from '../helpers/teardown';

const REPO = path.join(__dirname, '../..');
const PACKAGE = path.join(REPO, 'node_modules/better-sqlite3');
const ADDON = 'build/Release/better_sqlite3.node';

/**
 * scripts/build-sqlite-addon.mjs in a copy of the project whose better-sqlite3 has no addon yet. Its
 * node-gyp is a stand-in that records being called and fails at once: a compile would take a minute,
 * and what is under test is when the script reuses an addon and when it refuses one.
 */
describe('the better-sqlite3 addon cache of npm install', function () {
  this.timeout(30_000);
  let dir: string;
  let cache: string;
  let cached: string;
  let target: string;
  let gypCalls: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-sqlite-addon-'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(REPO, 'scripts/build-sqlite-addon.mjs'), path.join(dir, 'scripts/build-sqlite-addon.mjs'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    for (const name of fs.readdirSync(path.join(REPO, 'node_modules'))) {
      if (name !== 'better-sqlite3') fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
    const copy = path.join(dir, 'node_modules/better-sqlite3');
    for (const entry of ['package.json', 'lib']) fs.cpSync(path.join(PACKAGE, entry), path.join(copy, entry), { recursive: true });
    target = path.join(copy, ADDON);
    cache = path.join(dir, 'cache');
    const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
    cached = path.join(cache, `${version}-node-abi${process.versions.modules}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
    gypCalls = path.join(dir, 'node-gyp-calls');
    fs.writeFileSync(
      path.join(dir, 'fake-node-gyp.js'),
      `require('fs').appendFileSync(${JSON.stringify(gypCalls)}, process.argv.slice(2).join(' ') + '\\n'); process.exit(1);\n`,
    );
  });

  const teardown = new Teardown();
  after(async () => {
    try {
      await teardown.run();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the install script in a process group of its own, ended after the file even if a test timed out. */
  async function install(): Promise<{ code: number | null; output: string }> {
    const group = spawnGroup(process.execPath, ['scripts/build-sqlite-addon.mjs'], {
      cwd: dir,
      env: { ...process.env, STAGECAST_SQLITE_CACHE: cache, npm_config_node_gyp: path.join(dir, 'fake-node-gyp.js') },
    });
    teardown.add('the install script', () => group.stop());
    const { code } = await group.exited;
    return { code, output: group.output() };
  }

  const compiled = (): boolean => fs.existsSync(gypCalls);

  it('an addon already in place (npm 10 ran the package’s own script) is kept, and cached', async () => {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(PACKAGE, ADDON), target);
    const { code, output } = await install();
    assert.equal(code, 0, output);
    assert.match(output, /already in place/);
    assert.deepEqual(fs.readFileSync(cached), fs.readFileSync(target));
    assert.equal(compiled(), false);
  });

  it('a fresh install takes the cached addon once it links and opens a database, without compiling', async () => {
    fs.rmSync(target);
    const { code, output } = await install();
    assert.equal(code, 0, output);
    assert.match(output, /taken from cache/);
    assert.deepEqual(fs.readFileSync(target), fs.readFileSync(cached));
    assert.equal(compiled(), false);
  });

  it('a cached file that is no loadable addon is refused: the script compiles instead (and fails here with the stand-in)', async () => {
    fs.rmSync(target);
    fs.writeFileSync(cached, 'not an ELF shared object');
    const { code, output } = await install();
    assert.notEqual(code, 0);
    assert.match(output, /build failed/);
    assert.match(fs.readFileSync(gypCalls, 'utf8'), /^rebuild --release/);
    assert.equal(fs.existsSync(target), false, 'the refused file was not put in place');
  });
});
