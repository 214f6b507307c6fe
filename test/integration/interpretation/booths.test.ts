import assert from 'node:assert/strict';
import type { Role } from '../../../server/auth/tokens';
import type { BoothState, StageLanguages } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, rawRequest, request, startStagecast, testSigner, tokenFor } from '../../helpers/stagecast';

const OPUS_RTP = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  encodings: [{ ssrc: 22_220_001 }],
};

describe('language channels over Socket.IO: who may publish into which booth, and the handover', function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  const sockets: ClientSocket[] = [];
  let ssrc = 30_000_000;

  const interpreterToken = (language: string, name: string, stageId = 'keynote'): string =>
    testSigner.sign({ role: 'interpreter', eventId: 'demo', name, stageId, language });

  async function joined(token: string): Promise<ClientSocket> {
    const socket = await connect(node.url, token);
    sockets.push(socket);
    await request(socket, 'join', { stageId: 'keynote' });
    return socket;
  }

  /** A send transport, and a produce request on it (no media flows: the checks come before any packet). */
  async function produce(socket: ClientSocket, body: Record<string, unknown>) {
    const transport = await rawRequest(socket, 'createTransport', { direction: 'send' });
    const transportId = transport.ok ? (transport.data as { id: string }).id : '00000000-0000-4000-8000-000000000000';
    ssrc += 1;
    return rawRequest(socket, 'produce', {
      transportId,
      kind: 'audio',
      rtpParameters: { ...OPUS_RTP, encodings: [{ ssrc }] },
      ...body,
    });
  }

  function interpretationSources() {
    return (node.node.media.existingStage('demo/keynote')?.sourceMedia ?? []).filter((s) => s.info.kind === 'interpretation');
  }

  /** Whether each interpretation producer of a language flows at the origin, by participant. */
  function flowing(language: string): Map<string, boolean> {
    return new Map(
      interpretationSources()
        .filter((s) => s.info.language === language)
        .map((s) => [s.info.ownerId ?? '', s.producers.every((p) => !p.paused)]),
    );
  }

  function codeOf(response: Awaited<ReturnType<typeof rawRequest>>): string {
    return response.ok ? 'ok' : response.error.code;
  }

  before(async () => {
    node = await startStagecast();
    ok(
      await new ApiClient(node.url)
        .as(tokenFor('host'))
        .patch('/api/events/demo/stages/keynote', { floorLanguage: 'zh', interpretationLanguages: ['en', 'fr'] }),
    );
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await node.stop();
  });

  it('an attendee cannot publish into a language channel (nor hand over), and nothing is opened', async () => {
    const attendee = await joined(tokenFor('attendee'));
    assert.equal(codeOf(await produce(attendee, { source: 'interpretation', language: 'en' })), 'forbidden');
    assert.equal(codeOf(await rawRequest(attendee, 'handOver', {})), 'forbidden');
    assert.equal(interpretationSources().length, 0);
  });

  it('a speaker cannot either: a speaker is the floor, not a channel', async () => {
    const speaker = await joined(testSigner.sign({ role: 'speaker', eventId: 'demo', name: 'Speaker', stageId: 'keynote' }));
    assert.equal(codeOf(await produce(speaker, { source: 'interpretation', language: 'en' })), 'forbidden');
    assert.equal(interpretationSources().length, 0);
  });

  it('an interpreter of en cannot publish into fr, a camera, video, or on another stage; a channel the stage lacks is not_found', async () => {
    const en = await joined(interpreterToken('en', 'Ada'));
    assert.equal(codeOf(await produce(en, { source: 'interpretation', language: 'fr' })), 'forbidden');
    assert.equal(codeOf(await produce(en, { source: 'camera' })), 'forbidden');
    assert.equal(codeOf(await produce(en, { source: 'interpretation', language: 'en', kind: 'video' })), 'bad_request');
    assert.equal(codeOf(await produce(en, { source: 'interpretation' })), 'bad_request');
    assert.equal(codeOf(await produce(en, { source: 'interpretation', language: 'en; drop' })), 'bad_request');
    const otherStage = await joined(interpreterToken('en', 'Elsewhere', 'release'));
    assert.equal(codeOf(await rawRequest(otherStage, 'createTransport', { direction: 'send' })), 'forbidden');
    const german = await joined(interpreterToken('de', 'Gottfried'));
    assert.equal(codeOf(await produce(german, { source: 'interpretation', language: 'de' })), 'not_found');
    assert.equal(interpretationSources().length, 0, 'no refused request opened a channel');
  });

  it('an interpreter token without its booth (stage and language) is refused at the handshake', async () => {
    const socket = await connect(node.url, testSigner.sign({ role: 'interpreter', eventId: 'demo', name: 'Nobody' })).catch(
      (error: unknown) => error,
    );
    assert.ok(socket instanceof Error && /stage and language/.test(socket.message), String(socket));
  });

  it('the first interpreter of a booth is live, the partner arrives muted, a handover swaps them: always exactly one live', async () => {
    const first = await joined(interpreterToken('en', 'Ada'));
    const second = await joined(interpreterToken('en', 'Carl'));
    const firstId = (await request(first, 'getLanguages', {})).yourLanguage;
    assert.equal(firstId, 'en');
    assert.equal(codeOf(await rawRequest(first, 'handOver', {})), 'conflict', 'nothing to hand over before publishing');
    assert.equal(codeOf(await produce(first, { source: 'interpretation', language: 'EN' })), 'ok', 'tags compare without case');
    assert.equal(codeOf(await produce(second, { source: 'interpretation', language: 'en' })), 'ok');
    const idOf = async (socket: ClientSocket): Promise<string> => {
      const booth = (await request(socket, 'getLanguages', {})).booths.find((b) => b.language === 'en');
      return booth?.interpreters.find((i) => i.name.startsWith(socket === first ? 'Ada' : 'Carl'))?.participantId ?? '';
    };
    const [ada, carl] = [await idOf(first), await idOf(second)];
    const liveIs = (participant: string) => async () => {
      const state = flowing('en');
      return state.size === 2 && state.get(participant) === true && [...state.values()].filter(Boolean).length === 1 ? state : undefined;
    };
    await waitFor(liveIs(ada), { what: "Ada's producer alone to flow", timeoutMs: 5000 });

    const pushed: BoothState[] = [];
    first.on('boothUpdated', (booth) => pushed.push(booth));
    const handed: BoothState = await request(first, 'handOver', {});
    assert.equal(handed.liveParticipantId, carl);
    assert.equal(handed.interpreters.filter((i) => i.live).length, 1);
    await waitFor(liveIs(carl), { what: "Carl's producer alone to flow after the handover", timeoutMs: 5000 });
    await waitFor(async () => pushed.find((b) => b.liveParticipantId === carl), { what: 'the booth to be pushed', timeoutMs: 5000 });

    // Ada takes it back; then Carl, live, leaves: Ada is live again without asking.
    assert.equal((await request(first, 'handOver', {})).liveParticipantId, ada);
    assert.equal((await request(second, 'handOver', {})).liveParticipantId, carl, 'Carl, muted, takes it');
    await request(second, 'leave', {});
    await waitFor(
      async () => {
        const languages: StageLanguages = await request(first, 'getLanguages', {});
        const booth = languages.booths.find((b) => b.language === 'en');
        return booth?.interpreters.length === 1 && booth.liveParticipantId === ada ? booth : undefined;
      },
      { what: 'the partner who stayed to be live once the live one left', timeoutMs: 5000 },
    );
    assert.equal(codeOf(await rawRequest(first, 'handOver', {})), 'conflict', 'no partner to hand over to');
  });

  it('a language channel cannot be put on air; the stage settings refuse a channel that is the floor language', async () => {
    const channel = interpretationSources()[0];
    assert.ok(channel, 'a channel is open');
    const host = new ApiClient(node.url).as(tokenFor('host' satisfies Role));
    const program = await host.put('/api/events/demo/stages/keynote/program', { sourceId: channel.info.id });
    assert.notEqual(program.status, 200, 'refused');
    failed(await host.patch('/api/events/demo/stages/keynote', { interpretationLanguages: ['zh'] }), 400, 'bad_request');
    failed(await host.patch('/api/events/demo/stages/keynote', { interpretationLanguages: ['en', 'EN'] }), 400, 'bad_request');
    failed(await host.patch('/api/events/demo/stages/keynote', { floorLevel: 1.5 }), 400, 'bad_request');
    const stage = ok<{ interpretationLanguages: string[] }>(await host.get('/api/events/demo/stages/keynote'));
    assert.deepEqual(stage.interpretationLanguages, ['en', 'fr'], 'refused settings changed nothing');
  });
});
