// Mocha root hooks (loaded through .mocharc.json `require`): the last check of a run is that nothing it
// started is still alive.
import { waitFor } from '../scripts/lib/wait';
import { type MarkedProcess, markRun, markedProcesses } from './helpers/leaks';

const run = markRun();

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    // Processes being ended by the last teardown get a moment to be gone.
    const left = await waitFor(async () => markedProcesses(run).length === 0, {
      what: 'no process of this run alive',
      timeoutMs: 10_000,
    }).then(
      (): MarkedProcess[] => [],
      () => markedProcesses(run),
    );
    if (left.length === 0) return;
    const list = left.map((p) => `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}) ${p.name}: ${p.command}`).join('\n');
    // Reported first, then ended: they are this run's and would otherwise outlive it.
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    throw new Error(`${left.length} process(es) started by this test run were still alive after the last test (now killed):\n${list}`);
  },
};
