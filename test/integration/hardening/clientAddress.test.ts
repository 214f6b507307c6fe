import assert from 'node:assert/strict';
import { Manager } from 'socket.io-client';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, rawRequest, startStagecast, tokenFor } from '../../helpers/stagecast';

type Node = Awaited<ReturnType<typeof startStagecast>>;

/** Small caps, so a handful of requests shows which bucket each lands in. */
const CAPS = {
  MEDIASOUP_NUM_WORKERS: '1',
  JOIN_RATE_LIMIT_PER_MINUTE: '1',
  MAX_PEERS_PER_IP: '1',
  MAX_SOCKETS_PER_IP: '2',
  SOCKET_CONNECT_TIMEOUT_MS: '500',
};

const from = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });

async function join(node: Node, ip: string): Promise<number> {
  const res = await fetch(`${node.url}/api/events/demo/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...from(ip) },
    body: '{}',
  });
  await res.arrayBuffer();
  return res.status;
}

/** Resolves with the handshake's refusal code, or 'ok' (the socket is then kept in `sockets`). */
async function handshake(node: Node, sockets: ClientSocket[], headers: Record<string, string> = {}): Promise<string> {
  try {
    sockets.push(await connect(node.url, tokenFor('attendee', 'demo', 'Hall'), { headers }));
    return 'ok';
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data;
    return data?.code ?? String(error);
  }
}

async function joinStage(socket: ClientSocket): Promise<string> {
  const answer = await rawRequest(socket, 'join', { stageId: 'keynote' });
  return answer.ok ? 'ok' : answer.error.code;
}

describe('Client address: TRUST_PROXY decides who may name the client; connections per address are capped', function () {
  this.timeout(60_000);

  describe('TRUST_PROXY=off (the default): X-Forwarded-For from the TCP peer is ignored', () => {
    let node: Node;
    const sockets: ClientSocket[] = [];

    before(async () => {
      node = await startStagecast(CAPS);
    });

    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.disconnect();
      const { peers } = node.node.signaling;
      for (const peer of peers.all()) peers.close(peer);
    });

    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await node?.stop();
    });

    it('REST: two joins with different X-Forwarded-For share one rate-limit bucket', async () => {
      assert.equal(await join(node, '203.0.113.1'), 201);
      assert.equal(await join(node, '203.0.113.2'), 429, 'the header did not buy a second bucket');
    });

    it('sockets: different X-Forwarded-For count as one address (per-IP peer cap)', async () => {
      assert.equal(await handshake(node, sockets, from('203.0.113.1')), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.2')), 'ok');
      assert.equal(await joinStage(sockets[0]), 'ok');
      assert.equal(await joinStage(sockets[1]), 'conflict', 'MAX_PEERS_PER_IP=1 holds for both');
    });

    it('refuses the (N+1)th connection of an address with rate_limited, and admits one once another closes', async () => {
      assert.equal(await handshake(node, sockets, from('203.0.113.1')), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.2')), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.3')), 'rate_limited', 'MAX_SOCKETS_PER_IP=2');
      sockets.shift()?.disconnect();
      await waitFor(
        async () => ((await handshake(node, sockets)) === 'ok' ? true : undefined),
        10_000,
        'a connection admitted once one closed',
      );
      assert.equal(node.node.signaling.connectedSockets, 2);
    });

    it('closes an engine.io connection that never sends the Socket.IO CONNECT packet', async () => {
      const manager = new Manager(node.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
      try {
        await new Promise<void>((resolve, reject) => manager.open((error) => (error ? reject(error) : resolve())));
        const reason = await new Promise<string>((resolve) => manager.once('close', (why) => resolve(why)));
        assert.equal(reason, 'transport close', 'the server closed it (SOCKET_CONNECT_TIMEOUT_MS=500)');
      } finally {
        manager.engine?.close();
      }
    });
  });

  describe('TRUST_PROXY=loopback: a proxy on the same host names the client', () => {
    let node: Node;
    const sockets: ClientSocket[] = [];

    before(async () => {
      node = await startStagecast({ ...CAPS, TRUST_PROXY: 'loopback' });
    });

    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await node?.stop();
    });

    it('REST: each forwarded client has its own rate-limit bucket', async () => {
      assert.equal(await join(node, '203.0.113.1'), 201);
      assert.equal(await join(node, '203.0.113.2'), 201);
      assert.equal(await join(node, '203.0.113.1'), 429);
    });

    it('sockets: each forwarded client has its own caps (peers and connections per address)', async () => {
      assert.equal(await handshake(node, sockets, from('203.0.113.1')), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.2')), 'ok');
      assert.equal(await joinStage(sockets[0]), 'ok');
      assert.equal(await joinStage(sockets[1]), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.1')), 'ok');
      assert.equal(await handshake(node, sockets, from('203.0.113.1')), 'rate_limited');
    });
  });
});
