// npm run test:load -- [--runs 3] [--hogs 2]: the whole mocha suite, run after run, beside CPU hogs (busy
// loops, one per core by default) — how the suite fares on a loaded, noisy machine. Prints each run's time
// and failures, the slowest test files, and a final JSON line. Every process it starts ends with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type GroupProcess, spawnGroup } from './lib/processGroup';
import { FILE_TIMES_ENV, type FileTimes } from './testUnderLoad/fileTimes';

interface RunResult {
  run: number;
  seconds: number;
  exitCode: number | null;
  failures: FileTimes['failures'];
  files: FileTimes['files'];
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, hogs: { type: 'string', default: String(os.availableParallelism()) } },
});
const runs = Number(values.runs);
const hogCount = Number(values.hogs);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(hogCount) || hogCount < 0) {
  process.stderr.write('usage: npm run test:load -- [--runs N≥1] [--hogs N≥0]\n');
  process.exit(2);
}

const started: GroupProcess[] = [];
const stopAll = (): Promise<unknown> => Promise.allSettled(started.map((group) => group.stop()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().then(() => process.exit(1)));
}

async function runSuite(run: number, dir: string): Promise<RunResult> {
  const timesFile = path.join(dir, `run-${run}.json`);
  const reporter = path.join(__dirname, 'testUnderLoad', 'fileTimesReporter.ts');
  const startedAt = Date.now();
  const mocha = spawnGroup('npx', ['mocha', '--reporter', reporter], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, [FILE_TIMES_ENV]: timesFile },
  });
  started.push(mocha);
  const { code } = await mocha.exited;
  await mocha.stop();
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const times = fs.existsSync(timesFile)
    ? (JSON.parse(fs.readFileSync(timesFile, 'utf8')) as FileTimes)
    : { files: {}, failures: [{ file: '', title: `mocha ended (exit ${code}) without a report` }] };
  return { run, seconds, exitCode: code, ...times };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-test-load-'));
  try {
    for (let i = 0; i < hogCount; i++) started.push(spawnGroup(process.execPath, ['-e', 'for (;;) {}']));
    const results: RunResult[] = [];
    for (let run = 1; run <= runs; run++) {
      process.stderr.write(`test:load: run ${run} of ${runs} beside ${hogCount} busy loops\n`);
      results.push(await runSuite(run, dir));
    }
    const slowest = new Map<string, number>();
    for (const { files } of results) {
      for (const [file, ms] of Object.entries(files)) slowest.set(file, Math.max(slowest.get(file) ?? 0, ms));
    }
    const summary = {
      hogs: hogCount,
      runs: results.map(({ run, seconds, exitCode, failures }) => ({ run, seconds, exitCode, failures })),
      totalFailures: results.reduce((sum, r) => sum + r.failures.length, 0),
      slowestFiles: [...slowest]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([file, ms]) => ({ file: path.relative(process.cwd(), file), seconds: Math.round(ms / 1000) })),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exitCode = summary.totalFailures === 0 && results.every((r) => r.exitCode === 0) ? 0 : 1;
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
