import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type GroupProcess, spawnGroup } from '../../scripts/lib/processGroup';

const REPO = path.join(__dirname, '../..');
/** What `npm run build` reads: the sources, the build scripts and configs, the lockfile. */
const COPIED = [
  'admin-ui',
  'server',
  'media',
  'signaling',
  'scripts/build-if-changed.mjs',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];
/**
 * The copy compiles two server files, not the whole server: what is under test is when the build
 * script runs tsc and Vite, not TypeScript itself, and a full compile takes seconds each time.
 */
const SMALL_BUILD_CONFIG = {
  extends: './tsconfig.json',
  compilerOptions: { types: ['node'], incremental: true, tsBuildInfoFile: 'dist/tsconfig.build.tsbuildinfo' },
  include: ['server/errors.ts', 'server/conference/publicEventTypes.ts', 'server/probe'],
};

describe('npm run build compiles and bundles only what changed', function () {
  this.timeout(120_000);
  let dir: string;
  let running: GroupProcess | null = null;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-build-'));
    for (const entry of COPIED) fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'tsconfig.build.json'),
      `// Comments, as tsconfig files have them.\n${JSON.stringify(SMALL_BUILD_CONFIG, null, 2)}\n`,
    );
    fs.mkdirSync(path.join(dir, 'server/probe'));
    fs.writeFileSync(path.join(dir, 'server/probe/first.ts'), 'export const FIRST = 1;\n');
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  });

  after(async () => {
    try {
      // A build still running when a test timed out: its whole process group (tsc, npm, Vite) goes.
      await running?.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the build in the copy and answers its output; rejects if it fails. */
  function build(): Promise<string> {
    const group = spawnGroup(process.execPath, ['scripts/build-if-changed.mjs'], { cwd: dir });
    running = group;
    return group.exited.then(({ code }) => {
      if (code !== 0) throw new Error(`build exited ${code}:\n${group.output()}`);
      return group.output();
    });
  }

  const file = (relative: string): string => path.join(dir, relative);
  const append = (relative: string, text: string): void => fs.appendFileSync(file(relative), text);
  const uiSkipped = (output: string): boolean => /browser app up to date/.test(output);
  const serverSkipped = (output: string): boolean => /server up to date/.test(output);
  const emitted = (relative: string): string => fs.readFileSync(file(path.join('dist', relative)), 'utf8');

  it('a first build produces the server and every page', async () => {
    const output = await build();
    assert.ok(!uiSkipped(output));
    for (const page of ['home.html', 'watch.html', 'speak.html', 'admin.html'])
      assert.ok(fs.existsSync(file(`dist/admin-ui/${page}`)), page);
    assert.ok(fs.existsSync(file('dist/server/errors.js')));
  });

  it('an unchanged tree builds nothing', async () => {
    const before = fs.statSync(file('dist/server/errors.js')).mtimeMs;
    const page = fs.statSync(file('dist/admin-ui/watch.html')).mtimeMs;
    const output = await build();
    assert.ok(serverSkipped(output) && uiSkipped(output), output);
    assert.equal(fs.statSync(file('dist/server/errors.js')).mtimeMs, before);
    assert.equal(fs.statSync(file('dist/admin-ui/watch.html')).mtimeMs, page);
  });

  it('a changed server file is compiled again; the browser app, which does not import it, is left alone', async () => {
    append('server/probe/first.ts', '\nexport const BUILD_PROBE_SERVER = 1;\n');
    const output = await build();
    assert.ok(!serverSkipped(output) && uiSkipped(output), output);
    assert.match(emitted('server/probe/first.js'), /BUILD_PROBE_SERVER/);
  });

  it('a new file in a source folder is compiled, though no other file changed', async () => {
    fs.writeFileSync(file('server/probe/second.ts'), 'export const SECOND = 2;\n');
    assert.ok(!serverSkipped(await build()));
    assert.match(emitted('server/probe/second.js'), /SECOND/);
    assert.ok(serverSkipped(await build()), 'and the next build skips it again');
  });

  it('a stylesheet the pages reach only through a CSS @import rebuilds the browser app', async () => {
    append('admin-ui/src/styles/theme.css', '\n.build-probe-theme { color: red; }\n');
    assert.ok(!uiSkipped(await build()));
    const css = fs
      .readdirSync(file('dist/admin-ui/assets'))
      .filter((name) => name.endsWith('.css'))
      .map((name) => emitted(`admin-ui/assets/${name}`))
      .join('\n');
    assert.match(css, /build-probe-theme/);
    assert.ok(uiSkipped(await build()), 'and the next build skips it again');
  });

  it('a server file the browser app imports (its view types) rebuilds it', async () => {
    append('server/conference/publicEventTypes.ts', '\nexport type BuildProbe = string;\n');
    assert.ok(!uiSkipped(await build()));
  });

  it('a missing page is built again', async () => {
    fs.rmSync(file('dist/admin-ui/home.html'));
    assert.ok(!uiSkipped(await build()));
    assert.ok(fs.existsSync(file('dist/admin-ui/home.html')));
  });

  it('a different lockfile compiles the server from scratch and rebuilds the browser app', async () => {
    // Same dependencies, another lockfile text: what a dependency update looks like to the build.
    append('package-lock.json', '\n');
    const output = await build();
    assert.match(output, /dependencies changed since the last server build/);
    assert.ok(!uiSkipped(output));
    const next = await build();
    assert.ok(serverSkipped(next) && uiSkipped(next), next);
  });
});
