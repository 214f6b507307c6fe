// Runs at `npm install`: replaces the deprecated `new Buffer()` calls in netstring 0.3.0, the framing
// mediasoup 3.8.4's Node side uses for every message to and from its workers.
//
// Why: for each of a process's first 10,000 `Buffer()` calls, Node walks the caller's stack to decide
// whether to warn about the deprecation (46 µs a call here against 4 µs for `Buffer.from`). Those
// 10,000 calls are the first minutes of a node's life, which is when a keynote's crowd arrives on a
// node started for it: 0.26 ms of every join's Node CPU in `npm run bench -- join`.
// The replacements behave the same: `new Buffer(string, encoding)` is `Buffer.from`, and
// `new Buffer(size)` has zero-filled like `Buffer.alloc` since Node 8.
//
// Plain Node (no TypeScript), with the exact find/replace edits of the worker's fixes.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { applyFix, needsFix } from './worker-fixes.mjs';

const require = createRequire(import.meta.url);

const FIXES = [
  { find: 'buf = new Buffer(buf, encoding);', replace: 'buf = Buffer.from(buf, encoding);', count: 2 },
  { find: 'pay = new Buffer(pay, encoding);', replace: 'pay = Buffer.from(pay, encoding);' },
  { find: 'buf = new Buffer(nsLen);', replace: 'buf = Buffer.alloc(nsLen);' },
  { find: 'var b = new Buffer(self.buf.length + d.length);', replace: 'var b = Buffer.alloc(self.buf.length + d.length);' },
].map((fix) => ({ ...fix, file: 'ns.js', why: 'Buffer() without its deprecation check' }));

// netstring as mediasoup resolves it (npm may nest it under mediasoup).
const mediasoupDir = path.dirname(require.resolve('mediasoup/package.json'));
const file = createRequire(path.join(mediasoupDir, 'package.json')).resolve('netstring/ns.js');
let text = fs.readFileSync(file, 'utf8');
const needed = FIXES.filter((fix) => needsFix(text, fix));
for (const fix of needed) text = applyFix(text, fix);
if (needed.length > 0) fs.writeFileSync(file, text);
process.stderr.write(`[fix-netstring] ${file}: ${needed.length} of ${FIXES.length} edits applied (the rest were there)\n`);
