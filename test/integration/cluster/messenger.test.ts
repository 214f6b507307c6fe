import assert from 'node:assert/strict';
import pino from 'pino';
import { ClusterMessenger } from '../../../server/cluster/ClusterMessenger';
import { closeConnection, commandClient, type RedisConnection, subscriberClient, whenReady } from '../../../server/cluster/redisClients';
import { MediaError } from '../../../media/types';
import { AppError } from '../../../server/errors';
import { RedisServer } from '../../helpers/redis';
import { waitFor } from '../../../scripts/lib/wait';

const logger = pino({ level: 'silent' });

describe('requests between nodes over Redis', function () {
  this.timeout(20_000);
  let redis: RedisServer;
  const clients: RedisConnection[] = [];

  async function messenger(nodeId: string, timeoutMs = 1000): Promise<ClusterMessenger> {
    const options = { url: redis.url, commandTimeoutMs: 1000 };
    const pub = commandClient(options, logger, nodeId);
    const sub = subscriberClient(options, logger, `${nodeId}-sub`);
    clients.push(pub, sub);
    await Promise.all([whenReady(pub, 5000), whenReady(sub, 5000)]);
    const m = new ClusterMessenger(nodeId, pub, sub, 'test:', timeoutMs, logger);
    await m.start();
    return m;
  }

  before(async () => {
    redis = await RedisServer.start();
  });

  after(async () => {
    for (const client of clients) closeConnection(client);
    await redis.stop();
  });

  it('answers a request with what the other node returned, and tells it who asked', async () => {
    const a = await messenger('a');
    const b = await messenger('b');
    b.onRequest('echo', async (payload, from) => ({ payload, from }));
    assert.deepEqual(await a.request('b', 'echo', { n: 1 }), { payload: { n: 1 }, from: 'a' });
  });

  it("keeps the error code the other node answered with, and hides an unexpected error's message", async () => {
    const a = await messenger('a2');
    const b = await messenger('b2');
    b.onRequest('refuse', async () => {
      throw new AppError('conflict', 'not the origin');
    });
    b.onRequest('crash', async () => {
      throw new Error('secret detail');
    });
    await assert.rejects(
      a.request('b2', 'refuse', {}),
      (error: AppError) => error.code === 'conflict' && error.message === 'not the origin',
    );
    await assert.rejects(a.request('b2', 'crash', {}), (error: AppError) => error.code === 'internal' && !error.message.includes('secret'));
    await assert.rejects(a.request('b2', 'nothing-here', {}), (error: AppError) => error.code === 'not_found');
  });

  it("answers the other node's media failure as unavailable, with the media layer's message", async () => {
    const a = await messenger('a5');
    const b = await messenger('b5');
    b.onRequest('ingest.open', async () => {
      throw new MediaError('unavailable', 'no mediasoup worker is alive');
    });
    await assert.rejects(
      a.request('b5', 'ingest.open', {}),
      (error: AppError) => error.code === 'unavailable' && error.message === 'no mediasoup worker is alive',
    );
  });

  it('fails at once as unavailable for a node nobody listens as, and after the timeout for one that does not answer', async () => {
    const a = await messenger('a3', 300);
    await assert.rejects(
      a.request('ghost', 'echo', {}),
      (error: AppError) => error.code === 'unavailable' && /not reachable/.test(error.message),
    );
    const slow = await messenger('slow');
    slow.onRequest('hang', () => new Promise(() => undefined));
    await assert.rejects(
      a.request('slow', 'hang', {}),
      (error: AppError) => error.code === 'unavailable' && /did not answer hang within 300 ms/.test(error.message),
    );
  });

  // Restarts the shared redis-server: keep it last.
  it('answers again once Redis has restarted: every connection came back and renewed its subscriptions', async () => {
    const a = await messenger('a4');
    const b = await messenger('b4');
    b.onRequest('echo', async (payload) => payload);
    await redis.restart();
    const answer = await waitFor(() => a.request('b4', 'echo', { n: 2 }), 10_000, 'an answer after the restart');
    assert.deepEqual(answer, { n: 2 });
  });
});
