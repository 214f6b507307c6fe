import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { ProgramChange } from '../../server/conference/ConferenceBus';
import { type IngestTargetDto, spawnFfmpegIngest } from '../../scripts/ffmpegIngest';
import { waitFor } from '../helpers/net';
import { RtpSink } from '../helpers/rtp';
import { connect, request, startStagecast, tokenFor } from '../helpers/stagecast';

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('On-air switching with real media (two ffmpeg hall feeds)', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  const encoders: ChildProcess[] = [];
  let sink: RtpSink;

  before(async () => {
    node = await startStagecast();
    sink = await RtpSink.open();
  });

  after(async () => {
    for (const encoder of encoders) encoder.kill('SIGKILL');
    sink.close();
    await node.stop();
  });

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
      encoders.push(spawnFfmpegIngest(target, { size: '320x180', videoBitrate: '300k' }));
    }

    // A socket viewer of the stage hears the program change and its lower-third.
    const viewerSocket = await connect(node.url, tokenFor('attendee'));
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
      await settle(300);
      const before = { on: sink.countOf(ssrcsOf[onAir]), off: sink.countOf(ssrcsOf[offAir]) };
      await waitFor(async () => (sink.countOf(ssrcsOf[onAir]) > before.on + 30 ? true : undefined), 10_000, `packets of ${onAir}`);
      assert.equal(sink.countOf(ssrcsOf[offAir]), before.off, `${offAir} is paused while ${onAir} is on air`);
    }

    await waitFor(async () => (changes.length >= 3 ? true : undefined), 5000, 'programChanged pushes');
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
    viewerSocket.disconnect();
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
