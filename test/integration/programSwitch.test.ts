import assert from 'node:assert/strict';
import type { ProgramChange } from '../../server/conference/ConferenceBus';
import type { IngestTargetDto } from '../../scripts/ffmpegIngest';
import { startEncoder } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { RtpSink } from '../helpers/rtp';
import { connect, request, startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/**
 * Packets of the program in a row, none of the other source among them, that show the switch is done:
 * unpaused, the other source's audio alone (50 packets a second) would break any run within a few packets.
 */
const SWITCHED_RUN = 60;

describe('On-air switching with real media (two ffmpeg hall feeds)', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let sink: RtpSink;
  const teardown = new Teardown();

  before(async () => {
    node = teardown.own('the node', await startStagecast(), (n) => n.stop());
    sink = teardown.own('the RTP sink', await RtpSink.open(), (s) => s.close());
  });

  after(() => teardown.run());

  async function api(method: string, path: string, body?: unknown, role: 'host' | 'attendee' = 'host'): Promise<unknown> {
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  it('every viewer switches to the new program without renegotiating, with its lower-third', async () => {
    const speaker = (await api('POST', '/api/events/demo/speakers', {
      name: 'Prof. Chen',
      title: 'Dean',
      organisation: 'Nanyang Institute of Technology',
      presence: 'on-site',
    })) as { id: string };
    const session = (await api('POST', '/api/events/demo/sessions', {
      stageId: 'keynote',
      title: 'Opening keynote',
      kind: 'keynote',
      speakerIds: [speaker.id],
      plannedStart: '2026-12-01T09:00:00+08:00',
      plannedEnd: '2026-12-01T09:30:00+08:00',
    })) as { id: string };
    await api('POST', `/api/events/demo/sessions/${session.id}/start`);
    for (const feed of [undefined, 'wide']) {
      const target = (await api(
        'POST',
        '/api/events/demo/stages/keynote/ingest',
        feed ? { feed, label: 'Wide shot' } : {},
      )) as IngestTargetDto;
      const encoder = startEncoder(target, { size: '320x180', videoBitrate: '300k' });
      teardown.add(`the ${feed ?? 'main'} feed`, () => encoder.stop());
    }

    // A socket viewer of the stage hears the program change and its lower-third.
    const viewerSocket = teardown.own('the viewer socket', await connect(node.url, tokenFor('attendee')), (socket) => socket.disconnect());
    await request(viewerSocket, 'join', { stageId: 'keynote' });
    const changes: ProgramChange[] = [];
    viewerSocket.on('programChanged', (change) => changes.push(change));

    // A media viewer with a plain RTP egress, so packets can be counted: one consumer per producer.
    const stage = node.node.media.existingStage('demo/keynote')!;
    const viewer = await node.node.media.createPeer('demo/keynote', { participantId: 'v1', displayName: 'viewer', followsProgram: true });
    await viewer.createEgressTransport({ ip: '127.0.0.1', port: sink.port });
    const ssrcsOf: Record<string, number[]> = {};
    for (const source of stage.sources) {
      ssrcsOf[source.id] = [];
      for (const { producerId } of source.producers) {
        const consumer = await viewer.consume(producerId, stage.rtpCapabilities);
        await viewer.resumeConsumer(consumer.id);
        ssrcsOf[source.id].push((consumer.rtpParameters.encodings ?? [])[0].ssrc!);
      }
    }
    assert.deepEqual(Object.keys(ssrcsOf).sort(), ['onsite', 'onsite-wide']);

    for (const [onAir, offAir] of [
      ['onsite', 'onsite-wide'],
      ['onsite-wide', 'onsite'],
      ['onsite', 'onsite-wide'],
    ] as const) {
      const change = (await api('PUT', '/api/events/demo/stages/keynote/program', { sourceId: onAir })) as ProgramChange;
      assert.equal(change.sourceId, onAir);
      // The new program flows, and the old one has stopped: a long run of one without a packet of the other.
      await waitFor(
        async () => {
          const run = sink.runSinceLast(ssrcsOf[onAir], ssrcsOf[offAir]);
          if (run < SWITCHED_RUN) throw new Error(`${run} packets of ${onAir} since the last of ${offAir}`);
          return true;
        },
        { what: `${SWITCHED_RUN} packets of ${onAir} in a row with ${offAir} paused`, timeoutMs: 15_000 },
      );
    }

    await waitFor(async () => changes.length >= 3, { what: 'three programChanged pushes', timeoutMs: 10_000 });
    assert.deepEqual(changes.map((c) => c.sourceId).slice(-3), ['onsite', 'onsite-wide', 'onsite']);
    assert.deepEqual(changes.at(-1)!.lowerThird, {
      speakerName: 'Prof. Chen',
      speakerTitle: 'Dean',
      organisation: 'Nanyang Institute of Technology',
      sessionTitle: 'Opening keynote',
    });
    assert.equal(viewer.transportCount, 1, 'the viewer kept its one transport: no renegotiation');

    const stored = await node.node.store.collection('stages').get('demo', 'keynote');
    assert.equal(stored?.programSourceId, 'onsite', 'the program is persisted');
  });

  it('refuses a program that is not a live source of the stage, and refuses attendees', async () => {
    const res = await fetch(`${node.url}/api/events/demo/stages/keynote/program`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: JSON.stringify({ sourceId: 'camera:nobody' }),
    });
    assert.equal(res.status, 404);
    const forbidden = await fetch(`${node.url}/api/events/demo/stages/keynote/program`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('attendee')}` },
      body: JSON.stringify({ sourceId: 'onsite' }),
    });
    assert.equal(forbidden.status, 403);
  });
});
