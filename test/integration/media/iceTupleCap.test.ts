import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import { waitFor } from '../../helpers/net';
import { WorkerUnderTest, sendTo } from '../../helpers/mediaPath';
import { bindingRequest, isBindingSuccess } from '../../helpers/stun';

/**
 * The ICE tuple cap our worker build back-ports (upstream mediasoup caps a transport at 8 tuples since
 * 3.10.0; 3.8.4 stored one per authenticated address:port, without limit). Run with
 * `MEDIASOUP_WORKER_BIN` naming a worker built without the back-ports to see it fail.
 */

const PATHS = 11;
const MAX_TUPLES = 8;

async function bindLoopback(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

/** Sends an authenticated Binding request from `socket` and waits for the success response. */
async function bind(socket: dgram.Socket, transport: types.WebRtcTransport, useCandidate: boolean): Promise<void> {
  const { packet, transactionId } = bindingRequest({
    serverUfrag: transport.iceParameters.usernameFragment,
    password: transport.iceParameters.password,
    useCandidate,
  });
  const answered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error(`no Binding success response on port ${socket.address().port}`));
    }, 3000);
    function onMessage(message: Buffer): void {
      if (!isBindingSuccess(message, transactionId)) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve();
    }
    socket.on('message', onMessage);
  });
  await sendTo(socket, transport.iceCandidates[0].port, packet);
  await answered;
}

/** A record that looks like DTLS (content type 22, 13 bytes or more); the transport is not connecting, so it goes no further. */
const DTLS_LIKE = Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), Buffer.alloc(20)]);

describe('ICE tuples of a WebRTC transport (real worker, loopback)', function () {
  this.timeout(30_000);
  let worker: WorkerUnderTest | undefined;
  const sockets: dgram.Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await worker?.close();
    worker = undefined;
  });

  it(`keeps at most ${MAX_TUPLES} tuples: the selected one and the newest, when a peer binds from ${PATHS} ports`, async () => {
    worker = await WorkerUnderTest.start();
    const router = await worker.worker.createRouter({ mediaCodecs: [] });
    const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true, enableTcp: false });
    for (let i = 0; i < PATHS; i += 1) sockets.push(await bindLoopback());
    const ports = sockets.map((socket) => socket.address().port);
    const selections: number[] = [];
    transport.on('iceselectedtuplechange', (tuple: types.TransportTuple) => selections.push(tuple.remotePort ?? -1));

    // The first path nominates itself (USE-CANDIDATE) and is selected; ten more paths bind after it.
    await bind(sockets[0], transport, true);
    await waitFor(async () => (selections.includes(ports[0]) ? true : undefined), 3000, 'the first path selected');
    for (let i = 1; i < PATHS; i += 1) await bind(sockets[i], transport, false);

    // Which tuples does the transport still hold? Data from a held tuple moves the selection to it
    // (the worker follows a client that switched paths); data from a forgotten one is ignored. Probe
    // paths 1..10 in order, then path 0 as an end marker (it is not the selected one by then).
    selections.length = 0;
    for (let i = 1; i < PATHS; i += 1) await sendTo(sockets[i], transport.iceCandidates[0].port, DTLS_LIKE);
    await sendTo(sockets[0], transport.iceCandidates[0].port, DTLS_LIKE);
    await waitFor(async () => (selections.includes(ports[0]) ? true : undefined), 3000, 'the end marker selected');

    const held = [ports[0], ...selections.filter((port) => port !== ports[0])];
    assert.ok(held.length <= MAX_TUPLES, `the transport holds ${held.length} tuples`);
    assert.deepEqual(
      held.map((port) => ports.indexOf(port)),
      [0, 4, 5, 6, 7, 8, 9, 10],
      'the selected path and the 7 newest are held; the oldest non-selected ones were dropped',
    );

    // The worker lives, and a dropped path that binds again is heard again.
    await bind(sockets[1], transport, false);
    selections.length = 0;
    await sendTo(sockets[1], transport.iceCandidates[0].port, DTLS_LIKE);
    await waitFor(async () => (selections.includes(ports[1]) ? true : undefined), 3000, 'the re-bound path selected');
    assert.deepEqual(worker.deaths, []);
    assert.equal(transport.iceState, 'completed');
  });
});
