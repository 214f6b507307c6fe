// Mocha root hooks (loaded through .mocharc.json `require`): the last checks of a run are that nothing it
// started is still alive, and that nothing keeps this process open (mocha runs without --exit).
import { waitFor } from '../scripts/lib/wait';
import { type MarkedProcess, markRun, markedProcesses } from './helpers/leaks';

const run = markRun();

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    // Fires only if something (a socket, a server, a timer a test forgot) still holds the process open a
    // minute after the last test: it says what, and ends the run as failed instead of letting it hang.
    setTimeout(() => {
      process.stderr.write(
        `the test run was still held open a minute after its last test by: ${JSON.stringify(process.getActiveResourcesInfo())}\n`,
      );
      process.exit(1);
    }, 60_000).unref();
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
