import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { types as clientTypes } from 'mediasoup-client';
import type { SourceInfo } from '../../signaling/contract';
import { waitFor } from '../helpers/net';
import { publishCamera } from '../helpers/publisher';
import { type ClientSocket, connect, fakeDevice, rawRequest, request, startStagecast, tokenFor } from '../helpers/stagecast';

type Node = Awaited<ReturnType<typeof startStagecast>>;

async function watch(socket: ClientSocket) {
  const joined = await request(socket, 'join', { stageId: 'keynote' });
  const device = await fakeDevice(joined.routerRtpCapabilities);
  const options = await request(socket, 'createTransport', { direction: 'recv' });
  const transport = device.createRecvTransport(options as clientTypes.TransportOptions);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    request(socket, 'connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  return { joined, device, transport };
}

/** The layers a simulcast consumer forwards as its worker says (`consumer.dump()`), not as the node remembers them. */
async function preferredLayersInWorker(consumer: types.Consumer): Promise<{ spatial: number; temporal: number }> {
  const dump = (await consumer.dump()) as { preferredSpatialLayer: number; preferredTemporalLayer: number };
  return { spatial: dump.preferredSpatialLayer, temporal: dump.preferredTemporalLayer };
}

describe('Signaling over Socket.IO (real server, mediasoup-client FakeHandler)', function () {
  this.timeout(30_000);
  let node: Node;
  const sockets: ClientSocket[] = [];
  /** Every consumer the node's workers create, by id, seen through mediasoup's observer API. */
  const serverConsumers = new Map<string, types.Consumer>();
  const onNewWorker = (worker: types.Worker): void => {
    worker.observer.on('newrouter', (router: types.Router) =>
      router.observer.on('newtransport', (transport: types.Transport) =>
        transport.observer.on('newconsumer', (consumer: types.Consumer) => serverConsumers.set(consumer.id, consumer)),
      ),
    );
  };

  async function open(token: string): Promise<ClientSocket> {
    const socket = await connect(node.url, token);
    sockets.push(socket);
    return socket;
  }

  before(async () => {
    mediasoup.observer.on('newworker', onNewWorker);
    node = await startStagecast({ RECONNECT_GRACE_MS: '1500' });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  after(async () => {
    mediasoup.observer.off('newworker', onNewWorker);
    await node?.stop();
  });

  it('refuses a handshake without a token or with a forged one', async () => {
    await assert.rejects(connect(node.url, ''), /missing access token|invalid token/);
    await assert.rejects(connect(node.url, `${tokenFor('host')}x`), /invalid token/);
  });

  it('a viewer joins, consumes a simulcast speaker paused, resumes, picks layers and leaves', async () => {
    const speaker = await open(tokenFor('speaker', 'demo', 'Dr. Lin'));
    const viewer = await open(tokenFor('attendee'));
    const announced: SourceInfo[] = [];
    viewer.on('sourceUpdated', (source) => announced.push(source));
    const { transport, device } = await watch(viewer);

    const published = await publishCamera(speaker);
    const source = await waitFor(async () => announced.find((s) => s.producers.length === 2), 5000, 'sourceUpdated with two producers');
    assert.equal(source.kind, 'camera');
    assert.equal(source.label, 'Dr. Lin');

    const consumerOptions = await request(viewer, 'consume', { producerId: published.videoId, rtpCapabilities: device.rtpCapabilities });
    assert.equal(consumerOptions.paused, true, 'consumers start paused');
    assert.equal(consumerOptions.type, 'simulcast');
    const consumer = await transport.consume({
      id: consumerOptions.id,
      producerId: consumerOptions.producerId,
      kind: consumerOptions.kind,
      rtpParameters: consumerOptions.rtpParameters as clientTypes.RtpParameters,
    });
    await request(viewer, 'resumeConsumer', { consumerId: consumer.id });
    const inWorker = serverConsumers.get(consumer.id);
    assert.ok(inWorker, 'the consumer the viewer was given exists in a worker');
    assert.deepEqual(await preferredLayersInWorker(inWorker), { spatial: 2, temporal: 0 }, 'the top of three layers by default');
    await request(viewer, 'setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0, temporalLayer: 0 });
    assert.deepEqual(await preferredLayersInWorker(inWorker), { spatial: 0, temporal: 0 }, 'the lowest layer, as picked');
    await request(viewer, 'setPreferredLayers', { consumerId: consumer.id, spatialLayer: 1 });
    assert.deepEqual(await preferredLayersInWorker(inWorker), { spatial: 1, temporal: 0 }, 'the middle layer, as picked');

    const sessions = node.node.signaling.peers;
    const before = sessions.size;
    await request(viewer, 'leave', {});
    assert.equal(sessions.size, before - 1);
    const afterLeave = await rawRequest(viewer, 'resumeConsumer', { consumerId: consumer.id });
    assert.deepEqual(afterLeave.ok ? null : afterLeave.error.code, 'conflict', 'nothing left to resume after leave');
  });

  it('joins with its receive transport and consumes the stage in one consumeMany, flowing or paused as asked, a refused producer alone', async () => {
    const speaker = await open(tokenFor('speaker'));
    const viewer = await open(tokenFor('attendee'));
    const published = await publishCamera(speaker);
    const refusedEarly = await rawRequest(viewer, 'consumeMany', {
      rtpCapabilities: {},
      consumers: [{ producerId: published.audioId, paused: false }],
    });
    assert.equal(refusedEarly.ok ? null : refusedEarly.error.code, 'conflict', 'nothing to consume on before a join');
    const joined = await request(viewer, 'join', { stageId: 'keynote', recvTransport: true });
    assert.ok(joined.recvTransport, 'the join brought the receive transport');
    const peer = node.node.signaling.peers.get(joined.peerId);
    assert.equal(peer?.media.transportCount, 1);
    const device = await fakeDevice(joined.routerRtpCapabilities);
    const again = await rawRequest(viewer, 'createTransport', { direction: 'recv' });
    assert.equal(again.ok ? null : again.error.code, 'conflict', 'the join opened the one receive transport a peer may have');

    const consumersBefore = peer?.media.consumerCount;
    for (const bad of [
      { rtpCapabilities: device.rtpCapabilities, consumers: [] },
      { rtpCapabilities: device.rtpCapabilities, consumers: [{ producerId: published.videoId, paused: 'no' }] },
      {
        rtpCapabilities: device.rtpCapabilities,
        consumers: Array.from({ length: 17 }, () => ({ producerId: published.videoId, paused: true })),
      },
    ]) {
      const refused = await rawRequest(viewer, 'consumeMany', bad);
      assert.equal(refused.ok ? null : refused.error.code, 'bad_request', JSON.stringify(bad).slice(0, 80));
    }
    assert.equal(peer?.media.consumerCount, consumersBefore, 'a refused request consumed nothing');

    const unknown = randomUUID();
    const { consumers } = await request(viewer, 'consumeMany', {
      rtpCapabilities: device.rtpCapabilities,
      consumers: [
        { producerId: published.videoId, paused: false },
        { producerId: unknown, paused: false },
        { producerId: published.audioId, paused: true },
      ],
    });
    const [video, missing, audio] = consumers;
    assert.ok(video?.ok && audio?.ok, JSON.stringify(consumers));
    assert.ok(missing && !missing.ok, 'an unknown producer is refused');
    assert.equal(missing.producerId, unknown);
    assert.equal(missing.error.code, 'not_found');
    assert.equal(video.consumer.producerId, published.videoId);
    assert.equal(video.consumer.paused, false);
    assert.equal(audio.consumer.paused, true);
    assert.equal(serverConsumers.get(video.consumer.id)?.paused, false, 'the video consumer flows in the worker');
    assert.equal(serverConsumers.get(audio.consumer.id)?.paused, true, 'the audio consumer waits for its resume');
    assert.equal(peer?.media.consumerCount, 2);
  });

  it('tells viewers when a producer and its source close', async () => {
    const speaker = await open(tokenFor('speaker'));
    const viewer = await open(tokenFor('attendee'));
    const { device, transport } = await watch(viewer);
    const published = await publishCamera(speaker);
    const options = await request(viewer, 'consume', { producerId: published.audioId, rtpCapabilities: device.rtpCapabilities });
    await transport.consume({ ...options, rtpParameters: options.rtpParameters as clientTypes.RtpParameters });
    const closedConsumers: string[] = [];
    const closedSources: string[] = [];
    viewer.on('consumerClosed', (e) => closedConsumers.push(e.consumerId));
    viewer.on('sourceClosed', (e) => closedSources.push(e.sourceId));

    await request(speaker, 'closeProducer', { producerId: published.audioId });
    await request(speaker, 'closeProducer', { producerId: published.videoId });
    await waitFor(
      async () => (closedSources.length > 0 && closedConsumers.length > 0 ? true : undefined),
      5000,
      'sourceClosed and consumerClosed',
    );
    assert.deepEqual(closedConsumers, [options.id]);
    assert.match(closedSources[0], /^camera:/);
  });

  it('refuses to let an attendee publish', async () => {
    const attendee = await open(tokenFor('attendee'));
    await request(attendee, 'join', { stageId: 'keynote' });
    const send = await rawRequest(attendee, 'createTransport', { direction: 'send' });
    assert.equal(send.ok ? 'ok' : send.error.code, 'forbidden');
    const recv = await request(attendee, 'createTransport', { direction: 'recv' });
    const produce = await rawRequest(attendee, 'produce', {
      transportId: recv.id,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }] },
      source: 'camera',
    });
    assert.equal(produce.ok ? 'ok' : produce.error.code, 'forbidden');
  });

  it('answers unknown stages and unknown ids with not_found', async () => {
    const viewer = await open(tokenFor('attendee'));
    const stage = await rawRequest(viewer, 'join', { stageId: 'no-such-stage' });
    assert.equal(stage.ok ? 'ok' : stage.error.code, 'not_found');
    const { device } = await watch(viewer);
    for (const [event, payload] of [
      ['consume', { producerId: randomUUID(), rtpCapabilities: device.rtpCapabilities }],
      ['resumeConsumer', { consumerId: randomUUID() }],
      [
        'connectTransport',
        {
          transportId: randomUUID(),
          dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }] },
        },
      ],
      ['closeProducer', { producerId: randomUUID() }],
      ['resume', { peerId: randomUUID() }],
    ] as const) {
      const response = await rawRequest(viewer, event, payload);
      assert.equal(response.ok ? 'ok' : response.error.code, 'not_found', event);
    }
  });

  it('resumes a dropped viewer within the grace period and cleans up after it', async () => {
    const token = tokenFor('attendee');
    const first = await open(token);
    const { joined } = await watch(first);
    const session = node.node.signaling.peers.get(joined.peerId);
    assert.ok(session);
    first.disconnect();

    const second = await open(token);
    const resumed = await request(second, 'resume', { peerId: joined.peerId });
    assert.equal(resumed.peerId, joined.peerId);
    assert.equal(session.media.transportCount, 1, 'the recv transport survived the drop');

    const stranger = await open(tokenFor('attendee'));
    const stolen = await rawRequest(stranger, 'resume', { peerId: joined.peerId });
    assert.equal(stolen.ok ? 'ok' : stolen.error.code, 'not_found', 'another participant cannot take the session');

    second.disconnect();
    await waitFor(async () => (session.media.closed ? true : undefined), 5000, 'grace expiry');
    assert.equal(node.node.signaling.peers.get(joined.peerId), undefined);
    assert.equal(session.media.transportCount, 0);
  });
});
