import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { AckResponse } from '../../../signaling/contract';
import { ApiClient, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, rawRequest, request, startStagecast, tokenFor } from '../../helpers/stagecast';

/**
 * A node with a 20-port range on one worker: 20 UDP and 20 TCP ports, so 20 WebRTC transports at
 * most. The range is reserved for this node (scripts/lib/ports.ts: outside the kernel's ephemeral
 * range, where outgoing connections would take ports, and exclusive among runs on this host).
 */
const ONE_WORKER = { MEDIASOUP_NUM_WORKERS: '1' };
const SMALL_RANGE = { mediaPorts: 20 };

function codeOf(response: AckResponse<unknown>): string {
  return response.ok ? 'ok' : response.error.code;
}

describe('Media caps per participant and per address: one participant cannot exhaust a node’s ports', function () {
  this.timeout(60_000);

  describe('the reproduction: one anonymous token cycling connect → join → createTransport → disconnect', () => {
    let stagecast: Awaited<ReturnType<typeof startStagecast>>;
    const sockets: ClientSocket[] = [];

    before(async () => {
      stagecast = await startStagecast({ ...ONE_WORKER, RECONNECT_GRACE_MS: '30000' }, SMALL_RANGE);
    });

    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await stagecast?.stop();
    });

    it('leaves the next real viewer a transport after 25 rounds, and the participant never holds more than its cap', async () => {
      const joined = ok<{ token: string; participantId: string }>(
        await new ApiClient(stagecast.url).post('/api/events/demo/join', { name: 'Looper' }),
        201,
      );
      const { peers } = stagecast.node.signaling;
      const seen: string[] = [];
      for (let round = 0; round < 25; round++) {
        const socket = await connect(stagecast.url, joined.token);
        sockets.push(socket);
        const join = await rawRequest(socket, 'join', { stageId: 'keynote' });
        seen.push(codeOf(join));
        if (join.ok) seen.push(codeOf(await rawRequest(socket, 'createTransport', { direction: 'recv' })));
        socket.disconnect();
        // The server has seen the drop: the peer is parked (or gone), as in the reported attack.
        await waitFor(
          async () => (peers.ofParticipant(joined.participantId).every((peer) => peer.socket === null) ? true : undefined),
          5000,
          'the drop is seen',
        );
        assert.ok(
          peers.ofParticipant(joined.participantId).length <= 4,
          `round ${round}: the participant holds at most MAX_PEERS_PER_PARTICIPANT peers`,
        );
      }
      assert.deepEqual(
        seen.filter((code) => code !== 'ok'),
        [],
        'each round replaces the parked peer of the previous one',
      );
      assert.equal(peers.ofParticipant(joined.participantId).length, 1, 'one parked peer left, not 25');

      const viewer = await connect(stagecast.url, tokenFor('attendee', 'demo', 'Real viewer'));
      sockets.push(viewer);
      await request(viewer, 'join', { stageId: 'keynote' });
      const transport = await request(viewer, 'createTransport', { direction: 'recv' });
      assert.ok(transport.id);
    });
  });

  describe('caps on peers and transports', () => {
    let stagecast: Awaited<ReturnType<typeof startStagecast>>;
    const sockets: ClientSocket[] = [];
    const open = async (bearer: string): Promise<ClientSocket> => {
      const socket = await connect(stagecast.url, bearer);
      sockets.push(socket);
      return socket;
    };

    before(async () => {
      stagecast = await startStagecast({
        MAX_PEERS_PER_PARTICIPANT: '2',
        MAX_PEERS_PER_IP: '5',
        MAX_TRANSPORTS_PER_IP: '4',
        MAX_PARKED_PEERS_PER_IP: '1',
      });
    });

    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await stagecast?.stop();
    });

    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.disconnect();
      const { peers } = stagecast.node.signaling;
      for (const peer of peers.all()) peers.close(peer);
    });

    it('a participant over its cap is refused with conflict and nothing is opened, also when joining all at once', async () => {
      const bearer = tokenFor('host', 'demo', 'Many tabs');
      const tabs = await Promise.all([0, 1, 2, 3].map(() => open(bearer)));
      const answers = await Promise.all(tabs.map((tab) => rawRequest(tab, 'join', { stageId: 'keynote' })));
      assert.deepEqual(answers.map(codeOf).sort(), ['conflict', 'conflict', 'ok', 'ok']);
      assert.equal(stagecast.node.signaling.peers.size, 2);
      // Leaving frees a slot.
      const inside = tabs.filter((_, i) => answers[i].ok);
      await request(inside[0], 'leave', {});
      const refused = tabs.find((_, i) => !answers[i].ok)!;
      assert.equal(codeOf(await rawRequest(refused, 'join', { stageId: 'keynote' })), 'ok');
    });

    it('an address over its peer or transport cap is refused, whichever participants it carries', async () => {
      const viewers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => open(tokenFor('attendee', 'demo', `Office ${i}`))));
      const joins = [];
      for (const viewer of viewers) joins.push(codeOf(await rawRequest(viewer, 'join', { stageId: 'keynote' })));
      assert.deepEqual(joins, ['ok', 'ok', 'ok', 'ok', 'ok', 'conflict'], 'MAX_PEERS_PER_IP=5');
      const transports = await Promise.all(
        viewers.slice(0, 5).map((viewer) => rawRequest(viewer, 'createTransport', { direction: 'recv' })),
      );
      assert.deepEqual(transports.map(codeOf).sort(), ['conflict', 'ok', 'ok', 'ok', 'ok'], 'MAX_TRANSPORTS_PER_IP=4');
    });

    it('a drop beyond the address’s parked cap is closed at once, not parked', async () => {
      const { peers } = stagecast.node.signaling;
      const first = await open(tokenFor('attendee', 'demo', 'Blinker 1'));
      const second = await open(tokenFor('attendee', 'demo', 'Blinker 2'));
      const a = await request(first, 'join', { stageId: 'keynote' });
      const b = await request(second, 'join', { stageId: 'keynote' });
      first.disconnect();
      await waitFor(async () => (peers.get(a.peerId)?.socket === null ? true : undefined), 5000, 'the first drop is parked');
      second.disconnect();
      await waitFor(async () => (peers.get(b.peerId) === undefined ? true : undefined), 5000, 'the second drop is closed');
      assert.equal(peers.get(a.peerId)?.socket, null, 'the first stays parked for its resume');
    });
  });

  describe('a node out of ports', () => {
    let stagecast: Awaited<ReturnType<typeof startStagecast>>;
    const sockets: ClientSocket[] = [];

    before(async () => {
      stagecast = await startStagecast(
        { ...ONE_WORKER, RECONNECT_GRACE_MS: '0', HEALTH_SAMPLE_INTERVAL_MS: '100', ALERT_CLEAR_AFTER_MS: '0' },
        SMALL_RANGE,
      );
    });

    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await stagecast?.stop();
    });

    it('answers unavailable (never internal), raises ports_exhausted, reports ports in use, and clears once a port frees', async () => {
      // Distinct participants, each within its caps: 20 WebRTC transports take every UDP and TCP port.
      const viewers: ClientSocket[] = [];
      let refused: AckResponse<unknown> | undefined;
      for (let i = 0; i < 25 && !refused; i++) {
        const viewer = await connect(stagecast.url, tokenFor('attendee', 'demo', `Viewer ${i}`));
        sockets.push(viewer);
        await request(viewer, 'join', { stageId: 'keynote' });
        const answer = await rawRequest(viewer, 'createTransport', { direction: 'recv' });
        if (answer.ok) viewers.push(viewer);
        else refused = answer;
      }
      assert.ok(refused && !refused.ok);
      assert.equal(refused.error.code, 'unavailable');
      assert.equal(viewers.length, 20, 'every port of the range was usable');

      const alerts = stagecast.node.ops.alerts;
      const alert = await waitFor(
        async () => alerts.openAlerts().find((a) => a.rule === 'ports_exhausted'),
        10_000,
        'ports_exhausted raised',
      );
      assert.equal(alert.subject, 'worker:0');
      assert.equal(alert.eventId, '');
      const stored = await waitFor(
        async () => (await stagecast.node.store.collection('alerts').list('')).find((a) => a.id === alert.id),
        5000,
        'the alert is stored',
      );
      assert.equal(stored.rule, 'ports_exhausted');

      const worker = stagecast.node.ops.health.latest()!.workers[0];
      assert.deepEqual(worker.portsInUse, { udp: 20, tcp: 20 });
      assert.equal(worker.portsTotal, 20);
      const families = parsePrometheusTextFormat(await (await fetch(`${stagecast.url}/metrics`)).text());
      const inUse = families.find((f) => f.name === 'stagecast_worker_ports_in_use');
      assert.deepEqual(inUse?.metrics.map((m) => [m.labels?.protocol, Number(m.value)]).sort(), [
        ['tcp', 20],
        ['udp', 20],
      ]);

      // One viewer leaves: its ports free, the alert clears, and the next viewer gets a transport.
      await request(viewers[0], 'leave', {});
      await waitFor(
        async () => (alerts.openAlerts().some((a) => a.rule === 'ports_exhausted') ? undefined : true),
        10_000,
        'ports_exhausted cleared',
      );
      const late = sockets[sockets.length - 1];
      assert.ok((await request(late, 'createTransport', { direction: 'recv' })).id);
    });
  });
});
