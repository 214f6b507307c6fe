#!/usr/bin/env node
// `npm run build`: compiles the server and builds the browser app, each only if its inputs changed.
//
// Why this exists: `npm start` builds first, and a second `npm start` on an unchanged tree should not
// wait for builds whose output would be identical (a full tsc and Vite build take 10 s or more here).
// - Server: `tsc -b` keeps a record of its last build (dist/tsconfig.build.tsbuildinfo) and skips when
//   no source of ours is newer. It does not look at dependencies, whose types can change what it emits
//   (decorator metadata, const enums), so a different package-lock.json than at the last build
//   forgets that record and compiles everything. Loading the compiler alone takes a second or more on
//   a busy machine, so when no file or folder under tsconfig.build.json's include, and neither
//   tsconfig, changed since the last build started, tsc is not even started.
// - Browser app: its inputs are every file under admin-ui/, every file outside it that those import
//   by relative path (the server's view types, the Socket.IO contract…), followed transitively, and
//   package-lock.json. Their hash is written next to the output after a build succeeds; the same hash
//   and every page present mean nothing to do. Any change to an input, or a missing page, builds again.
//
// Plain Node (no TypeScript): it runs before anything of ours is built.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCKFILE = path.join(ROOT, 'package-lock.json');
const DIST = path.join(ROOT, 'dist');
const TS_BUILD_INFO = path.join(DIST, 'tsconfig.build.tsbuildinfo');
const SERVER_STAMP = path.join(DIST, 'server.build-stamp');
const UI_DIR = path.join(ROOT, 'admin-ui');
const UI_OUT_DIR = path.join(DIST, 'admin-ui');
// Outside UI_OUT_DIR: Vite empties that folder when it starts, and the server serves it.
const UI_STAMP = path.join(DIST, 'admin-ui.build-stamp');

const SCANNED = /\.(ts|tsx|mts|js|mjs|css|html)$/;
/** Relative specifiers: `from '…'`, `import '…'`, `import('…')`, CSS `@import '…'` and `url(…)`, HTML `src="…"`. */
const SPECIFIERS = [
  /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /@import\s+(?:url\()?\s*['"]?(\.{1,2}\/[^'")\s;]+)/g,
  /\burl\(\s*['"]?(\.{1,2}\/[^'")\s]+)/g,
  /\bsrc=["'](\.{1,2}\/[^"']+)["']/g,
];
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '/index.ts', '/index.tsx', '/index.js'];

function log(message) {
  process.stdout.write(`[build] ${message}\n`);
}

function hashOf(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(ROOT, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
}

function writeStamp(file, hash) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${hash}\n`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** tsconfig's JSON with comments: the comments dropped (strings kept as they are). */
function parseJsonc(text) {
  return JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_all, string) => string ?? ''));
}

const NOT_SOURCES = new Set(['node_modules', 'dist', '.git']);

/** An include pattern's folder part (`scripts/**\/*.ts` → scripts): everything under it counts, which may over-approximate. */
function folderOf(pattern) {
  const parts = [];
  for (const part of pattern.split('/')) {
    if (/[*?]/.test(part)) break;
    parts.push(part);
  }
  return parts.join('/') || '.';
}

/** The newest modification time (ms) of the server's sources: every file and folder tsc may read, and its configs. */
function newestServerInput() {
  const config = parseJsonc(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));
  const roots = config.include.map(folderOf);
  let newest = Math.max(...['tsconfig.json', 'tsconfig.build.json'].map((name) => fs.statSync(path.join(ROOT, name)).mtimeMs));
  const visit = (entry) => {
    const stat = fs.statSync(entry);
    // A folder's time changes when an entry is added, removed or renamed in it.
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) if (!NOT_SOURCES.has(name)) visit(path.join(entry, name));
  };
  for (const root of roots) if (fs.existsSync(path.join(ROOT, root))) visit(path.join(ROOT, root));
  return newest;
}

function buildServer() {
  const lockHash = hashOf([LOCKFILE]);
  const recorded = readStamp(SERVER_STAMP) === lockHash && fs.existsSync(TS_BUILD_INFO) && fs.existsSync(path.join(DIST, 'server'));
  if (recorded && newestServerInput() < fs.statSync(SERVER_STAMP).mtimeMs) {
    log('server up to date (no source changed since the last build)');
    return;
  }
  if (!recorded && fs.existsSync(TS_BUILD_INFO)) {
    log('dependencies changed since the last server build; compiling everything');
    fs.rmSync(TS_BUILD_INFO);
  }
  fs.rmSync(SERVER_STAMP, { force: true });
  // The stamp carries the time the build started: a file saved while tsc runs is newer, and builds next time.
  const started = new Date();
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
  writeStamp(SERVER_STAMP, lockHash);
  fs.utimesSync(SERVER_STAMP, started, started);
}

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

function resolveImport(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier.split(/[?#]/)[0]);
  return EXTENSIONS.map((ext) => base + ext).find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

/** Every file the browser build may read: admin-ui/ and what it imports from elsewhere in the repository. */
function uiInputFiles() {
  const files = new Set([...filesUnder(UI_DIR), LOCKFILE]);
  const pending = [...files];
  while (pending.length > 0) {
    const file = pending.pop();
    if (!SCANNED.test(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const pattern of SPECIFIERS) {
      for (const match of text.matchAll(pattern)) {
        const resolved = resolveImport(file, match[1]);
        if (resolved && !files.has(resolved) && !resolved.split(path.sep).includes('node_modules')) {
          files.add(resolved);
          pending.push(resolved);
        }
      }
    }
  }
  return [...files].sort();
}

/** Every page (admin-ui/*.html) has its built HTML. */
function pagesBuilt() {
  return fs
    .readdirSync(UI_DIR)
    .filter((name) => name.endsWith('.html'))
    .every((page) => fs.existsSync(path.join(UI_OUT_DIR, page)));
}

function buildUi() {
  // Hashed before building: a file edited while Vite runs makes the next run build again.
  const files = uiInputFiles();
  const hash = hashOf(files);
  const stamp = readStamp(UI_STAMP);
  if (stamp === hash && pagesBuilt()) {
    log(`browser app up to date (${files.length} inputs unchanged)`);
    return;
  }
  log(stamp === null ? 'browser app: no previous build recorded; building' : 'browser app: inputs changed since the last build; building');
  fs.rmSync(UI_STAMP, { force: true });
  // The Vite command line lives in package.json (build:ui); npm names itself to the scripts it runs.
  const npm = process.env.npm_execpath;
  if (npm) run(process.execPath, [npm, 'run', 'build:ui']);
  else run('npm', ['run', 'build:ui']);
  writeStamp(UI_STAMP, hash);
}

buildServer();
buildUi();
