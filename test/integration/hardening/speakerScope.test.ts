import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, rawRequest, request, startStagecast, testSigner, tokenFor } from '../../helpers/stagecast';

/** The review's finding: a speaker of `keynote` could publish on `release`. */
describe('A speaker token publishes on its own stage only', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;

  before(async () => {
    node = await startStagecast();
  });
  after(async () => {
    await node.stop();
  });

  it('refuses a send transport on another stage with forbidden, and opens one on its own', async () => {
    const socket = await connect(node.url, tokenFor('speaker', 'demo', 'Dr. Lin', 'keynote'));
    try {
      await request(socket, 'join', { stageId: 'release' });
      const elsewhere = await rawRequest(socket, 'createTransport', { direction: 'send' });
      assert.equal(!elsewhere.ok && elsewhere.error.code, 'forbidden');
      await request(socket, 'join', { stageId: 'keynote' });
      const own = await rawRequest(socket, 'createTransport', { direction: 'send' });
      assert.equal(own.ok, true);
    } finally {
      socket.disconnect();
    }
  });

  it('the token tool will not mint a speaker token without a stage, and names the stage in one it mints', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'test' },
      });
    const refused = run(['--role', 'speaker', '--event', 'demo']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--stage/);
    const minted = run(['--role', 'speaker', '--event', 'demo', '--stage', 'keynote']);
    assert.equal(minted.status, 0, minted.stderr);
    assert.equal(testSigner.verify(minted.stdout.trim()).stageId, 'keynote');
  });
});
