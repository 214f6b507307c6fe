import assert from 'node:assert/strict';
import type { types as clientTypes } from 'mediasoup-client';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { type ClientSocket, connect, fakeDevice, rawRequest, request, startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/**
 * A flash crowd the node is behind: viewers that joined and receive nothing yet count as arriving; while
 * JOIN_BACKLOG_MAX of them do, the next viewer is answered with HLS at once (reason `crowd`), and one
 * that starts receiving makes room.
 */
describe('admission during a flash crowd (real server, mediasoup-client FakeHandler)', function () {
  this.timeout(60_000);
  const teardown = new Teardown();
  /** What one test opened: its viewers leave (their peers close at once, not parked) after it. */
  const testTeardown = new Teardown();
  let node: Awaited<ReturnType<typeof startStagecast>>;

  before(async () => {
    node = teardown.own('the node', await startStagecast({ JOIN_BACKLOG_MAX: '2' }), (n) => n.stop());
    const res = await fetch(`${node.url}/api/events/demo/stages/keynote/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('host')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const encoder = startEncoder((await res.json()) as IngestTargetDto, { size: '320x180' });
    teardown.add('the hall feed', () => encoder.stop());
    await waitFor(async () => (node.node.media.existingStage('demo/keynote')?.sources.length ?? 0) > 0, {
      what: 'the hall feed live',
      timeoutMs: 15_000,
    });
  });
  afterEach(() => testTeardown.run());
  after(() => teardown.run());

  async function viewer(name: string): Promise<ClientSocket> {
    return testTeardown.own(`viewer ${name}`, await connect(node.url, tokenFor('attendee', 'demo', name)), async (s) => {
      if (s.connected) await rawRequest(s, 'leave', {});
      s.disconnect();
    });
  }

  /** Takes a joined viewer as far as receiving: transport, consumers, the first one resumed. */
  async function receive(socket: ClientSocket, joined: Awaited<ReturnType<typeof request<'join'>>>): Promise<void> {
    const device = await fakeDevice(joined.routerRtpCapabilities);
    const options = await request(socket, 'createTransport', { direction: 'recv' });
    device.createRecvTransport(options as clientTypes.TransportOptions);
    const [producer] = joined.sources[0].producers;
    const consumer = await request(socket, 'consume', { producerId: producer.producerId, rtpCapabilities: device.rtpCapabilities });
    await request(socket, 'resumeConsumer', { consumerId: consumer.id });
  }

  it('sends the viewer past the backlog to HLS (reason crowd); one that starts receiving makes room', async () => {
    const first = await viewer('first');
    const second = await viewer('second');
    const joinedFirst = await request(first, 'join', { stageId: 'keynote' });
    await request(second, 'join', { stageId: 'keynote' });

    const third = await viewer('third');
    const refused = await rawRequest(third, 'join', { stageId: 'keynote' });
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.error.code === 'unavailable', JSON.stringify(refused));
    assert.deepEqual(!refused.ok && refused.error.details, { fallback: 'hls', reason: 'crowd' });
    assert.equal(node.node.media.existingStage('demo/keynote')?.viewerCount, 2, 'no peer opened for the refused viewer');

    await receive(first, joinedFirst);
    const admitted = await rawRequest(third, 'join', { stageId: 'keynote' });
    assert.ok(admitted.ok, JSON.stringify(admitted));
  });

  it('a viewer that leaves before receiving gives its place back', async () => {
    const leaving = await viewer('leaving');
    await request(leaving, 'join', { stageId: 'keynote' });
    await request(await viewer('staying'), 'join', { stageId: 'keynote' });
    const next = await viewer('next');
    const refused = await rawRequest(next, 'join', { stageId: 'keynote' });
    assert.ok(!refused.ok && refused.error.code === 'unavailable', JSON.stringify(refused));
    await request(leaving, 'leave', {});
    const admitted = await rawRequest(next, 'join', { stageId: 'keynote' });
    assert.ok(admitted.ok, JSON.stringify(admitted));
  });
});
