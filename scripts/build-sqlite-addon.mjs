#!/usr/bin/env node
// Puts better-sqlite3's native addon in place, from a cache when one fits, else by compiling it.
//
// Why this exists: better-sqlite3's own install script tries a prebuilt download (which fails offline)
// and then compiles its bundled SQLite with node-gyp, about 70 s on 2 cores, on every fresh install.
// We deny that script in package.json (allowScripts) and do the same build here, once per machine:
// the addon is cached outside node_modules keyed by the package version, Node's ABI and the platform,
// and a later install copies it after checking it links and loads.
//
// Plain Node (no TypeScript): it runs during `npm install`, before anything of ours is built.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ADDON = 'better_sqlite3.node';

function log(message) {
  process.stdout.write(`[build-sqlite-addon] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[build-sqlite-addon] ERROR: ${message}\n`);
  process.exit(1);
}

function cacheRoot() {
  if (process.env.STAGECAST_SQLITE_CACHE) return process.env.STAGECAST_SQLITE_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'stagecast', 'better-sqlite3');
}

/** The dynamic linker still finds every library the addon needs. */
function linksCleanly(file) {
  try {
    return !execFileSync('ldd', [file], { encoding: 'utf8' }).includes('not found');
  } catch {
    return false;
  }
}

/**
 * The addon loads into this Node (same ABI) and opens a database: checked in a child process, so a
 * crash while loading a bad binary fails the check, not the install.
 */
function loadsCleanly(packageDir, file) {
  const probe = `
    const Database = require(${JSON.stringify(packageDir)});
    const db = new Database(':memory:', { nativeBinding: ${JSON.stringify(file)} });
    process.stdout.write(db.prepare('select sqlite_version() as v').get().v);
    db.close();`;
  try {
    execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function usable(packageDir, file) {
  return fs.existsSync(file) && linksCleanly(file) && loadsCleanly(packageDir, file);
}

function copyFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

/** npm's own node-gyp (npm names it to scripts it runs), else the one next to this Node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((file) => file && fs.existsSync(file));
}

/**
 * Node's headers without a download: npm's `nodedir` setting when there is one, else the headers
 * installed with this Node (`<prefix>/include/node`), else node-gyp's own (it may download them).
 */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : [];
}

function runNodeGyp(packageDir, logFile) {
  const gyp = nodeGyp();
  if (!gyp) fail("cannot find npm's node-gyp; install better-sqlite3's build with: npm rebuild better-sqlite3 --foreground-scripts");
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'w');
    // Both compile units (SQLite's amalgamation and the binding) at once: about half the time on 2 cores.
    const child = spawn(process.execPath, [gyp, 'rebuild', '--release', '--jobs=max', ...nodeDirArgs()], {
      cwd: packageDir,
      stdio: ['ignore', out, out],
    });
    const started = Date.now();
    const ticker = setInterval(() => log(`still compiling (${Math.round((Date.now() - started) / 1000)} s)…`), 30_000);
    child.on('close', (code) => {
      clearInterval(ticker);
      fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

async function main() {
  const packageDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const target = path.join(packageDir, 'build', 'Release', ADDON);
  const cacheDir = path.join(cacheRoot(), `${version}-node-abi${process.versions.modules}-${process.platform}-${process.arch}`);
  const cached = path.join(cacheDir, ADDON);

  // Already built (npm 10 ignores allowScripts and runs the package's own install script): keep it.
  if (usable(packageDir, target)) {
    if (!usable(packageDir, cached)) copyFile(target, cached);
    log(`better-sqlite3 ${version} addon already in place`);
    return;
  }
  if (usable(packageDir, cached)) {
    copyFile(cached, target);
    log(`better-sqlite3 ${version} addon taken from cache ${cached}`);
    return;
  }

  log(`compiling better-sqlite3 ${version} with its bundled SQLite (cache miss; about a minute on 2 cores)`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const logFile = path.join(cacheDir, 'build.log');
  const started = Date.now();
  const code = await runNodeGyp(packageDir, logFile);
  if (code !== 0 || !usable(packageDir, target)) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    fail(
      `better-sqlite3 build failed (node-gyp exited ${code}). Last lines of ${logFile}:\n${tail}\nPrerequisites: python3, make, g++ (Debian packages of those names).`,
    );
  }
  copyFile(target, cached);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s; cached at ${cached}`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
