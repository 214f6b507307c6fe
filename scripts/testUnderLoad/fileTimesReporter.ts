// A mocha reporter: the spec reporter's output, plus the wall time of each test file (its hooks included),
// written as JSON once the run ends. Mocha requires a reporter module to be its constructor, hence `export =`.
import fs from 'node:fs';
import Mocha from 'mocha';
import { FILE_TIMES_ENV, type FileTimes } from './fileTimes';

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class FileTimesReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const started = new Map<string, number>();
    const times: FileTimes = { files: {}, failures: [] };
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.file && !started.has(suite.file)) started.set(suite.file, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const start = suite.file ? started.get(suite.file) : undefined;
      if (suite.file && start !== undefined) times.files[suite.file] = Date.now() - start;
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable) => times.failures.push({ file: test.file ?? '', title: test.fullTitle() }));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env[FILE_TIMES_ENV];
      if (out) fs.writeFileSync(out, JSON.stringify(times));
    });
  }
}

export = FileTimesReporter;
