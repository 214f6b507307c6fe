import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

const INDEX = path.join(__dirname, '../../scripts/bench/index.ts');

/** Runs `npm run bench -- <args>` as the README says (through tsx) and answers its last stdout line. */
function bench(args: string[]): Promise<{ code: number | null; last: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', INDEX, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, last: stdout.trim().split('\n').at(-1) ?? '', stderr }));
  });
}

// Timings are never asserted: each benchmark must only start, finish with a tiny N and print its JSON.
describe('benchmarks start and print their JSON line (tiny N)', function () {
  this.timeout(120_000);

  const cases: [string, string[], string][] = [
    ['join', ['join', '--viewers', '3', '--browsers', '0'], 'connectToResumedMs'],
    ['switch', ['switch', '--viewers', '3', '--switches', '2'], 'firstAudioPacketMs'],
    ['qa', ['qa', '--attendees', '6', '--votes', '2'], 'upvoteToDeliveryMs'],
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
      const { code, last, stderr } = await bench(args);
      assert.equal(code, 0, stderr.slice(-2000));
      const result = JSON.parse(last) as Record<string, unknown>;
      assert.equal(result.bench, name);
      assert.ok(field in result, `${field} missing in ${last}`);
    });
  }
});
