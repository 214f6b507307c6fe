import assert from 'node:assert/strict';
import type { AckResponse } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, fakeDevice, rawRequest, request, startStagecast, tokenFor } from '../../helpers/stagecast';

const CAPS = { producers: 2, consumers: 3, stages: 4, refusals: 25 };

function tally(responses: AckResponse<unknown>[]): { ok: number; refused: string[] } {
  return { ok: responses.filter((r) => r.ok).length, refused: responses.flatMap((r) => (r.ok ? [] : [r.error.code])) };
}

/** An Opus or VP8 producer's parameters, with an SSRC and mid of its own. */
function rtpParameters(i: number): object {
  return i % 2 === 1
    ? {
        mid: String(i),
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 5000 + i }],
      }
    : { mid: String(i), codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 5000 + i }] };
}

describe('Resource caps: transports, producers, consumers, stages, and clients that loop on refusals', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  const sockets: ClientSocket[] = [];

  const openWith = async (bearer: string): Promise<ClientSocket> => {
    const socket = await connect(stagecast.url, bearer);
    sockets.push(socket);
    return socket;
  };
  const open = (role: Parameters<typeof tokenFor>[0], name?: string): Promise<ClientSocket> => openWith(tokenFor(role, 'demo', name));
  const peer = (peerId: string) => stagecast.node.signaling.peers.get(peerId)?.media;

  before(async () => {
    stagecast = await startStagecast({
      MAX_PRODUCERS_PER_PEER: String(CAPS.producers),
      MAX_CONSUMERS_PER_PEER: String(CAPS.consumers),
      MAX_STAGES_PER_EVENT: String(CAPS.stages),
      SOCKET_REFUSAL_LIMIT: String(CAPS.refusals),
    });
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await stagecast?.stop();
  });

  it('a client looping createTransport gets one transport per direction, sequentially or all at once', async () => {
    const viewer = await open('attendee', 'Looping viewer');
    const { peerId } = await request(viewer, 'join', { stageId: 'keynote' });
    const sequential: AckResponse<unknown>[] = [];
    for (let i = 0; i < 6; i++) sequential.push(await rawRequest(viewer, 'createTransport', { direction: 'recv' }));
    assert.deepEqual(tally(sequential), { ok: 1, refused: Array(5).fill('conflict') });

    const speaker = await open('speaker', 'Eager speaker');
    const joined = await request(speaker, 'join', { stageId: 'keynote' });
    const burst = await Promise.all(Array.from({ length: 10 }, () => rawRequest(speaker, 'createTransport', { direction: 'send' })));
    assert.deepEqual(tally(burst), { ok: 1, refused: Array(9).fill('conflict') }, 'concurrent requests cannot open a second one');
    assert.equal(peer(peerId)?.transportCount, 1);
    assert.equal(peer(joined.peerId)?.transportCount, 1);
  });

  it(`a speaker publishes at most ${CAPS.producers} producers, even when asking all at once`, async () => {
    const speaker = await open('speaker', 'Prolific speaker');
    const { peerId } = await request(speaker, 'join', { stageId: 'keynote' });
    const transport = await request(speaker, 'createTransport', { direction: 'send' });
    const produce = (i: number) =>
      rawRequest(speaker, 'produce', {
        transportId: transport.id,
        kind: i % 2 === 1 ? 'audio' : 'video',
        rtpParameters: rtpParameters(i),
        source: i < 2 ? 'camera' : 'screen',
      });
    const burst = tally(await Promise.all([0, 1, 2, 3, 4].map(produce)));
    assert.deepEqual(burst, { ok: CAPS.producers, refused: Array(5 - CAPS.producers).fill('conflict') });
    assert.equal(peer(peerId)?.producerCount, CAPS.producers);
    // Closing one frees a slot.
    const producerId = stagecast.node.media.existingStage('demo/keynote')!.sources.find((s) => s.ownerId === peer(peerId)?.participantId)!
      .producers[0].producerId;
    await request(speaker, 'closeProducer', { producerId });
    assert.equal((await produce(5)).ok, true);
  });

  it(`a viewer holds at most ${CAPS.consumers} consumers, even when asking all at once`, async () => {
    const speaker = await open('speaker', 'Consumed speaker');
    await request(speaker, 'join', { stageId: 'release' });
    const send = await request(speaker, 'createTransport', { direction: 'send' });
    const { producerId } = await request(speaker, 'produce', {
      transportId: send.id,
      kind: 'video',
      rtpParameters: rtpParameters(0),
      source: 'camera',
    });

    const host = await open('host', 'Greedy previewer');
    const { peerId, routerRtpCapabilities } = await request(host, 'join', { stageId: 'release' });
    await request(host, 'createTransport', { direction: 'recv' });
    const { rtpCapabilities } = await fakeDevice(routerRtpCapabilities);
    const burst = await Promise.all(Array.from({ length: 6 }, () => rawRequest(host, 'consume', { producerId, rtpCapabilities })));
    assert.deepEqual(tally(burst), { ok: CAPS.consumers, refused: Array(6 - CAPS.consumers).fill('conflict') });
    assert.equal(peer(peerId)?.consumerCount, CAPS.consumers);
  });

  it(`an event has at most ${CAPS.stages} stages, even when they are created all at once`, async () => {
    const demoAdmin = new ApiClient(stagecast.url).as(tokenFor('admin'));
    ok(
      await new ApiClient(stagecast.url)
        .as(tokenFor('admin', '*'))
        .post('/api/events', { id: 'capped', name: 'Capped fair', isPublic: true, timezone: 'UTC' }),
      201,
    );
    const admin = new ApiClient(stagecast.url).as(tokenFor('admin', 'capped'));
    const replies = await Promise.all(
      Array.from({ length: CAPS.stages + 3 }, (_, i) => admin.post('/api/events/capped/stages', { id: `stage-${i}`, name: `Stage ${i}` })),
    );
    assert.equal(replies.filter((r) => r.status === 201).length, CAPS.stages);
    for (const refused of replies.filter((r) => r.status !== 201))
      assert.match(failed(refused, 409, 'conflict').message, /at most 4 stages/);
    assert.equal(ok<unknown[]>(await admin.get('/api/events/capped/stages')).length, CAPS.stages);
    // The demo event has two; it may grow to the cap and no further.
    ok(await demoAdmin.post('/api/events/demo/stages', { id: 'hall-3', name: 'Hall 3' }), 201);
    ok(await demoAdmin.post('/api/events/demo/stages', { id: 'hall-4', name: 'Hall 4' }), 201);
    failed(await demoAdmin.post('/api/events/demo/stages', { id: 'hall-5', name: 'Hall 5' }), 409, 'conflict');
  });

  it(`a client refused more than ${CAPS.refusals} times in the window is disconnected and what it opened is closed, not parked`, async () => {
    const bearer = tokenFor('host', 'demo', 'Looping client');
    const looper = await openWith(bearer);
    const { peerId, routerRtpCapabilities } = await request(looper, 'join', { stageId: 'keynote' });
    await request(looper, 'createTransport', { direction: 'recv' });
    const media = peer(peerId)!;
    const sessionsBefore = stagecast.node.signaling.peers.size;
    const dropped = new Promise<string>((resolve) => looper.once('disconnect', (reason) => resolve(reason)));
    // A few refusals are normal and cost nothing.
    for (let i = 0; i < 5; i++) assert.equal((await rawRequest(looper, 'createTransport', { direction: 'recv' })).ok, false);
    assert.equal(looper.connected, true);
    const { rtpCapabilities } = await fakeDevice(routerRtpCapabilities);
    for (let i = 0; i < CAPS.refusals; i++)
      void rawRequest(looper, 'consume', { producerId: '00000000-0000-4000-8000-000000000000', rtpCapabilities });
    assert.equal(await dropped, 'io server disconnect');
    await waitFor(async () => (media.closed ? true : undefined), 2000, 'the peer closes');
    assert.equal(stagecast.node.signaling.peers.get(peerId), undefined, 'the session is closed, not kept for a resume');
    assert.equal(stagecast.node.signaling.peers.size, sessionsBefore - 1);
    assert.equal(media.transportCount, 0);
    // It is not banned: a fresh connection of the same participant works.
    const back = await openWith(bearer);
    assert.ok((await request(back, 'join', { stageId: 'keynote' })).peerId);
    assert.equal((await fetch(`${stagecast.url}/healthz`)).status, 200);
  });
});
