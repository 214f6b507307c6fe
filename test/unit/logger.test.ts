import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../server/logger';

describe('logger', () => {
  it('writes JSON lines with module bindings and redacts tokens and secrets', async () => {
    const sink = new PassThrough();
    let out = '';
    sink.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const root = createLogger({ level: 'info', format: 'json', destination: sink });
    root.child({ module: 'signaling', stageId: 'keynote' }).info({ token: 'eyJ.secret.token', auth: { secret: 'hunter2' } }, 'join()');
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(out.trim()) as Record<string, unknown>;
    assert.equal(line.module, 'signaling');
    assert.equal(line.stageId, 'keynote');
    assert.equal(line.msg, 'join()');
    assert.equal(line.token, '[redacted]');
    assert.doesNotMatch(out, /eyJ\.secret|hunter2/);
  });
});
