#!/usr/bin/env node
// Builds the mediasoup worker offline from the sources the npm package vendors.
//
// Why this exists: mediasoup's own postinstall downloads or compiles with the vendored, end-of-life
// OpenSSL 1.1.1k and does not build with today's toolchain. We deny it in package.json (allowScripts)
// and build here instead: apply the source fixes (toolchain fixes, and back-ports of upstream fixes for
// faults a remote peer can reach: scripts/worker-fixes.mjs), link Debian's maintained OpenSSL 3, and
// cache the binary outside node_modules keyed by mediasoup version and a hash of the fixes, so a
// reinstall on the same machine takes seconds.
//
// Plain Node (no TypeScript): it runs during `npm install`, before anything of ours is built.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { SOURCE_FIXES, TOOLCHAIN_FIXES, applyFix, needsFix } from './worker-fixes.mjs';

const require = createRequire(import.meta.url);

/** Replaces the vendored OpenSSL target: dependants keep their `openssl` dependency, now a link flag. */
const SYSTEM_OPENSSL_GYP = `{
  'targets': [
    {
      'target_name': 'openssl',
      'type': 'none',
      'link_settings': { 'libraries': [ '-lssl', '-lcrypto' ] }
    }
  ]
}
`;

const PREREQUISITES = [
  { what: 'python3', check: () => onPath('python3'), debian: 'python3' },
  { what: 'make', check: () => onPath('make'), debian: 'make' },
  { what: 'g++', check: () => onPath('g++'), debian: 'g++' },
  { what: 'OpenSSL 3 headers', check: () => fs.existsSync('/usr/include/openssl/ssl.h'), debian: 'libssl-dev' },
];

function log(message) {
  process.stdout.write(`[build-worker] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[build-worker] ERROR: ${message}\n`);
  process.exit(1);
}

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
}

function fixesHash(fixes) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(fixes));
  hash.update(SYSTEM_OPENSSL_GYP);
  hash.update(`${process.platform}-${process.arch}`);
  return hash.digest('hex').slice(0, 16);
}

function cacheRoot() {
  if (process.env.STAGECAST_WORKER_CACHE) return process.env.STAGECAST_WORKER_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'stagecast', 'mediasoup-worker');
}

/** A cached binary is only usable if the dynamic linker still finds every library it needs. */
function linksCleanly(binary) {
  try {
    const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
    return !out.includes('not found');
  } catch {
    return false;
  }
}

function copyExecutable(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
}

function applySourceFixes(workerDir, fixes) {
  for (const fix of fixes) {
    const file = path.join(workerDir, fix.file);
    const text = fs.readFileSync(file, 'utf8');
    let needed;
    try {
      needed = needsFix(text, fix);
    } catch (error) {
      fail(`${error instanceof Error ? error.message : String(error)} (is this the mediasoup version these fixes were written for?)`);
    }
    if (!needed) continue;
    fs.writeFileSync(file, applyFix(text, fix));
    log(`fixed ${fix.file} (${fix.why}${fix.upstream ? `; upstream ${fix.upstream}` : ''})`);
  }
  fs.writeFileSync(path.join(workerDir, 'deps/openssl/openssl.gyp'), SYSTEM_OPENSSL_GYP);
  log('deps/openssl/openssl.gyp now links the system OpenSSL (-lssl -lcrypto)');
}

function runMake(workerDir, logFile) {
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn('make', ['-C', workerDir], {
      env: { ...process.env, PYTHON: 'python3' },
      stdio: ['ignore', out, out],
    });
    const started = Date.now();
    const ticker = setInterval(() => log(`still building (${Math.round((Date.now() - started) / 1000)} s)…`), 30_000);
    child.on('close', (code) => {
      clearInterval(ticker);
      fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

async function main() {
  if (process.env.MEDIASOUP_WORKER_BIN) {
    log(`MEDIASOUP_WORKER_BIN is set (${process.env.MEDIASOUP_WORKER_BIN}); not building`);
    return;
  }
  const packageDir = path.dirname(require.resolve('mediasoup/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const workerDir = path.join(packageDir, 'worker');
  const target = path.join(workerDir, 'out', 'Release', 'mediasoup-worker');
  if (process.argv.includes('--bare')) return buildBare(version);
  const cacheDir = path.join(cacheRoot(), `${version}-${fixesHash(SOURCE_FIXES)}`);
  const cached = path.join(cacheDir, 'mediasoup-worker');

  if (fs.existsSync(cached) && linksCleanly(cached)) {
    copyExecutable(cached, target);
    log(`mediasoup ${version} worker taken from cache ${cached}`);
    return;
  }

  const missing = PREREQUISITES.filter((p) => !p.check());
  if (missing.length > 0) {
    fail(
      `cannot build the mediasoup worker: missing ${missing.map((m) => m.what).join(', ')}. ` +
        `Install with: apt-get install ${missing.map((m) => m.debian).join(' ')}`,
    );
  }

  log(`building mediasoup ${version} worker (cache miss; takes about 2–4 minutes on 2 cores)`);
  applySourceFixes(workerDir, SOURCE_FIXES);
  fs.mkdirSync(cacheDir, { recursive: true });
  const logFile = path.join(cacheDir, 'build.log');
  const started = Date.now();
  const code = await runMake(workerDir, logFile);
  if (code !== 0 || !fs.existsSync(target)) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    fail(
      `mediasoup worker build failed (make exited ${code}). Last lines of ${logFile}:\n${tail}\n` +
        'Prerequisites: python3, make, g++, libssl-dev (Debian packages of those names).',
    );
  }
  copyExecutable(target, cached);
  // The object files are large and never reused: the cache holds the binary.
  fs.rmSync(path.join(workerDir, 'out', 'Release', 'obj.target'), { recursive: true, force: true });
  log(`built in ${Math.round((Date.now() - started) / 1000)} s; cached at ${cached}`);
}

/**
 * `--bare`: the same mediasoup version as upstream published it, with only what it needs to build here
 * (toolchain fixes, system OpenSSL), from a fresh copy of its package (the installed one carries our
 * fixes): the worker benchmarks compare ours against it. Cached beside ours; prints its path.
 */
async function buildBare(version) {
  const cacheDir = path.join(cacheRoot(), `${version}-bare-${fixesHash(TOOLCHAIN_FIXES)}`);
  const cached = path.join(cacheDir, 'mediasoup-worker');
  if (!(fs.existsSync(cached) && linksCleanly(cached))) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-bare-worker-'));
    try {
      execFileSync('npm', ['pack', `mediasoup@${version}`, '--silent', '--pack-destination', work], { stdio: 'ignore' });
      const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
      if (!tarball) fail(`npm pack mediasoup@${version} gave no package`);
      execFileSync('tar', ['xzf', tarball], { cwd: work });
      const workerDir = path.join(work, 'package', 'worker');
      log(`building the bare mediasoup ${version} worker`);
      applySourceFixes(workerDir, TOOLCHAIN_FIXES);
      fs.mkdirSync(cacheDir, { recursive: true });
      const code = await runMake(workerDir, path.join(cacheDir, 'build.log'));
      const built = path.join(workerDir, 'out', 'Release', 'mediasoup-worker');
      if (code !== 0 || !fs.existsSync(built)) fail(`the bare worker build failed (make exited ${code}); see ${cacheDir}/build.log`);
      copyExecutable(built, cached);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  log(`bare worker: ${cached}`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
