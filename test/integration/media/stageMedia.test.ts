import assert from 'node:assert/strict';
import pino from 'pino';
import type { types } from 'mediasoup';
import { MediaNode } from '../../../media/MediaNode';
import { DEFAULT_MEDIA_OPTIONS } from '../../../media/types';
import { WorkerPool } from '../../../media/WorkerPool';
import { reservePortRange } from '../../../scripts/lib/ports';
import { startEncoder } from '../../helpers/encoder';
import { waitFor } from '../../helpers/net';
import { RtpSink } from '../../helpers/rtp';
import { Teardown } from '../../helpers/teardown';

const logger = pino({ level: 'silent' });

async function liveObjects(worker: types.Worker): Promise<number> {
  const dump = (await worker.dump()) as { routerIds: string[] };
  return dump.routerIds.length;
}

describe('Stage media (real mediasoup workers, real ffmpeg)', function () {
  this.timeout(40_000);
  let pool: WorkerPool;
  let node: MediaNode;
  const teardown = new Teardown();

  beforeEach(async () => {
    // A media port range of this test's own (scripts/lib/ports.ts), so runs side by side never share a port.
    const ports = teardown.own('the media port range', reservePortRange(1000), (range) => range.release());
    pool = teardown.own(
      'the worker pool',
      await WorkerPool.create({ numWorkers: 2, rtcMinPort: ports.min, rtcMaxPort: ports.max, logLevel: 'warn', logger }),
      (workers) => workers.close(),
    );
    node = teardown.own('the media node', new MediaNode(pool, { ...DEFAULT_MEDIA_OPTIONS, maxConsumersPerRouter: 2 }, logger), (media) =>
      media.close(),
    );
  });

  afterEach(() => teardown.run());

  it('a consumer on a distribution router of another worker receives the ffmpeg-ingested RTP', async () => {
    const stage = await node.stage('demo/keynote');
    const target = await stage.openIngest({ videoCodec: 'VP8' });
    const ffmpeg = startEncoder(target, { size: '320x180', videoBitrate: '300k' });
    teardown.add('ffmpeg', () => ffmpeg.stop());

    const [video, audio] = stage.sources[0].producers;
    assert.equal(stage.sources[0].kind, 'onsite');
    const distribution = await stage.allocateReceiveRouter(true);
    assert.notEqual(distribution.worker, stage.originWorker, 'distribution router is on another worker');

    const sink = teardown.own('the RTP sink', await RtpSink.open(), (socket) => socket.close());
    const transport = await distribution.router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port: sink.port });
    const consumers: types.Consumer[] = [];
    for (const producer of [video, audio]) {
      await stage.prepare(distribution, producer.producerId);
      consumers.push(await transport.consume({ producerId: producer.producerId, rtpCapabilities: distribution.router.rtpCapabilities }));
    }
    const [videoConsumer, audioConsumer] = consumers;
    assert.equal(videoConsumer.rtpParameters.codecs[0].mimeType, 'video/VP8');
    assert.equal(audioConsumer.rtpParameters.codecs[0].mimeType, 'audio/opus');
    const videoPt = videoConsumer.rtpParameters.codecs[0].payloadType;
    const audioPt = audioConsumer.rtpParameters.codecs[0].payloadType;
    await waitFor(
      async () => {
        const counts = { video: sink.byPayloadType.get(videoPt) ?? 0, audio: sink.byPayloadType.get(audioPt) ?? 0 };
        if (counts.video <= 20 || counts.audio <= 20) throw new Error(`packets so far: ${JSON.stringify(counts)}`);
        return true;
      },
      { what: `more than 20 VP8 (pt ${videoPt}) and 20 Opus (pt ${audioPt}) packets at the sink`, timeoutMs: 15_000 },
    );
  });

  it('opens the next distribution router once one holds MAX_CONSUMERS_PER_ROUTER consumers', async () => {
    const stage = await node.stage('demo/release');
    await stage.openIngest({ videoCodec: 'VP8' });
    const producers = stage.sources[0].producers.map((p) => p.producerId);
    const caps = stage.rtpCapabilities;
    const first = await node.createPeer('demo/release', { participantId: 'v1', displayName: 'one', followsProgram: true });
    await first.createTransport('recv');
    const firstConsumers = [];
    for (const id of producers) firstConsumers.push(await first.consume(id, caps));
    const second = await node.createPeer('demo/release', { participantId: 'v2', displayName: 'two', followsProgram: true });
    await second.createTransport('recv');
    await second.consume(producers[0], caps);

    const routers = stage.distributionRouters;
    assert.equal(routers.length, 2);
    assert.deepEqual(
      routers.map((r) => r.consumers),
      [2, 1],
    );

    second.close();
    assert.equal(routers[1].consumers, 0, 'closing a peer gives its consumers back');
    first.closeConsumer(firstConsumers[0].id);
    assert.deepEqual([routers[0].consumers, first.consumerCount], [1, 1], 'closing one consumer gives it back');
  });

  it('counts as viewers the peers that follow the program, not the hosts that preview every source, as they come and go', async () => {
    const stage = await node.stage('demo/release');
    const viewers = await Promise.all(
      ['v1', 'v2', 'v3'].map((id) => node.createPeer('demo/release', { participantId: id, displayName: id, followsProgram: true })),
    );
    const host = await node.createPeer('demo/release', { participantId: 'h1', displayName: 'host', followsProgram: false });
    assert.deepEqual([stage.viewerCount, stage.peerCount], [3, 4]);
    viewers[1].close();
    host.close();
    viewers[1].close();
    assert.deepEqual([stage.viewerCount, stage.peerCount], [2, 2], 'each close counted once, the host never');
  });

  it('viewers of a single-encoding feed consume without bandwidth estimation; of a simulcast source, with it', async () => {
    const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
    const stage = await node.stage('demo/release');
    await stage.openIngest({ videoCodec: 'VP8' });
    const speaker = await node.createPeer('demo/release', { participantId: 's1', displayName: 'speaker', followsProgram: false });
    const send = await speaker.createTransport('send');
    const vp8 = stage.rtpCapabilities.codecs?.find((c) => c.mimeType === 'video/VP8');
    assert.ok(vp8?.preferredPayloadType !== undefined);
    await speaker.produce({
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: {
        mid: '0',
        codecs: [
          { mimeType: 'video/VP8', payloadType: vp8.preferredPayloadType, clockRate: 90000, rtcpFeedback: [{ type: 'transport-cc' }] },
        ],
        headerExtensions: [{ uri: TRANSPORT_CC, id: 5 }],
        encodings: [{ ssrc: 1111 }, { ssrc: 2222 }, { ssrc: 3333 }],
      },
    });
    const viewer = await node.createPeer('demo/release', { participantId: 'v1', displayName: 'viewer', followsProgram: true });
    await viewer.createTransport('recv');
    const usesEstimation = (params: types.RtpParameters): boolean =>
      params.headerExtensions?.some((e) => e.uri === TRANSPORT_CC) === true ||
      params.codecs.some((c) => c.rtcpFeedback?.some((f) => f.type === 'transport-cc' || f.type === 'goog-remb'));
    for (const source of stage.sources) {
      for (const { producerId, kind } of source.producers) {
        const consumer = await viewer.consume(producerId, stage.rtpCapabilities);
        const layered = source.kind === 'camera';
        assert.equal(usesEstimation(consumer.rtpParameters), layered, `${source.id} ${kind}`);
        if (kind === 'video')
          assert.ok(
            consumer.rtpParameters.codecs[0].rtcpFeedback?.some((f) => f.type === 'nack'),
            'NACK kept',
          );
      }
    }
  });

  it('closing a stage closes its routers, transports, consumers and peers on every worker', async () => {
    const stage = await node.stage('demo/keynote');
    await stage.openIngest({ videoCodec: 'H264' });
    const peer = await node.createPeer('demo/keynote', { participantId: 'v1', displayName: 'one', followsProgram: true });
    await peer.createTransport('recv');
    for (const p of stage.sources[0].producers) await peer.consume(p.producerId, stage.rtpCapabilities);
    const sender = await node.createPeer('demo/keynote', { participantId: 's1', displayName: 'speaker', followsProgram: false });
    await sender.createTransport('send');
    const before = (await Promise.all(pool.workers.map(liveObjects))).reduce((a, b) => a + b, 0);
    assert.ok(before >= 2, 'origin and distribution routers exist');

    const closedSources: string[] = [];
    stage.on('sourceclosed', (id) => closedSources.push(id));
    stage.close();
    stage.close();

    assert.ok(stage.closed && stage.origin.closed);
    assert.ok(peer.closed && sender.closed);
    assert.equal(peer.consumerCount, 0);
    assert.equal(peer.transportCount, 0);
    assert.deepEqual(closedSources, ['onsite']);
    assert.equal(node.existingStage('demo/keynote'), undefined);
    const after = await Promise.all(pool.workers.map(liveObjects));
    assert.deepEqual(after, [0, 0], 'no router is left on a worker');
  });
});
