import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnGroup } from '../../scripts/lib/processGroup';
import { settleWithin } from '../../scripts/lib/wait';
import { Teardown } from '../helpers/teardown';

const INDEX = path.join(__dirname, '../../scripts/bench/index.ts');
/** A bench with a tiny N that has not finished by then is stopped and the test fails, saying so. */
const BENCH_BOUND_MS = 100_000;

// Timings are never asserted: each benchmark must only start, finish with a tiny N and print its JSON.
describe('benchmarks start and print their JSON line (tiny N)', function () {
  this.timeout(BENCH_BOUND_MS + 20_000);
  const teardown = new Teardown();
  afterEach(() => teardown.run());

  /**
   * Runs `npm run bench -- <args>` as the README says (through tsx), in a process group of its own that
   * is ended after the test whatever happened (with the servers, workers and encoders the bench started).
   */
  async function bench(args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
    let stdout = '';
    const group = spawnGroup(process.execPath, ['--import', 'tsx', INDEX, ...args]);
    group.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    teardown.add(`bench ${args[0]}`, () => group.stop());
    const exit = await settleWithin(group.exited, BENCH_BOUND_MS, null);
    assert.ok(exit, `bench ${args.join(' ')} had not finished after ${BENCH_BOUND_MS} ms; its output:\n${group.output().slice(-3000)}`);
    return { code: exit.code, stdout, output: group.output() };
  }

  const cases: [string, string[], string][] = [
    ['join', ['join', '--viewers', '3', '--browsers', '0'], 'connectToResumedMs'],
    ['switch', ['switch', '--viewers', '3', '--switches', '2'], 'firstAudioPacketMs'],
    ['language', ['language', '--viewers', '3', '--switches', '2', '--cpu-seconds', '1'], 'switchToFirstPacketMs'],
    ['qa', ['qa', '--attendees', '6', '--votes', '2'], 'upvoteToDeliveryMs'],
    ['webhooks', ['webhooks', '--changes', '6', '--endpoints', '2', '--concurrency', '2'], 'firstAttemptLatencyMs'],
    ['ingest', ['ingest', '--seconds', '3', '--whip-rounds', '1'], 'whipPublishToFirstFrameMs'],
    ['health', ['health', '--viewers', '0,3', '--samples', '2'], 'levels'],
    ['memory', ['memory', '--sockets', '4,8', '--webrtc', '2', '--plain', '2', '--settle-seconds', '0', '--fill-seconds', '1'], 'perUnit'],
    ['soak', ['soak', '--viewers', '6', '--minutes', '0.1', '--churn', '2', '--sample-seconds', '2', '--grace-ms', '1000'], 'growth'],
    [
      'cluster',
      ['cluster', '--viewers', '3', '--rounds', '1', '--single-joins', '1', '--pipe-seconds', '1', '--attendees', '2', '--votes', '2'],
      'pipeHop',
    ],
  ];
  for (const [name, args, field] of cases) {
    it(`${name} prints a final JSON line with ${field}`, async () => {
      const { code, stdout, output } = await bench(args);
      assert.equal(code, 0, output.slice(-2000));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const result = JSON.parse(last) as Record<string, unknown>;
      assert.equal(result.bench, name);
      assert.ok(field in result, `${field} missing in ${last}`);
    });
  }
});
