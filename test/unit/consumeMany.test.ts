// consumeMany's answer when its consumes end differently: refusals answered per producer, a fault as the
// request's error with nothing of the request left open. The peer's media is a stand-in here (a fault
// cannot be caused on demand with a real worker); the real path is in integration/signaling.test.ts.
import assert from 'node:assert/strict';
import type { Principal } from '../../server/auth/tokens';
import type { ConsumeManyDto } from '../../signaling/dto';
import { MediaError } from '../../media/types';
import { type MediaHandlerPorts, registerMediaHandlers } from '../../signaling/mediaHandlers';
import type { HandleRequest, HandlerContext, ParticipantSocket } from '../../signaling/socketTypes';

const CAPABILITIES = {
  codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100, rtcpFeedback: [] }],
  headerExtensions: [],
};

type ConsumeMany = (dto: ConsumeManyDto, context: HandlerContext) => Promise<{ consumers: { ok: boolean }[] }>;

/** The consumeMany handler over a peer whose consume answers per producer as `outcomes` says. */
function consumeManyOver(outcomes: Record<string, 'ok' | 'refused' | 'fault'>): {
  consumeMany: ConsumeMany;
  closed: string[];
  context: HandlerContext;
} {
  const closed: string[] = [];
  const media = {
    async consume(producerId: string) {
      await new Promise((resolve) => setImmediate(resolve));
      if (outcomes[producerId] === 'refused') throw new MediaError('bad_request', 'cannot consume that producer');
      if (outcomes[producerId] === 'fault') throw new Error('the worker channel broke');
      return { id: `consumer-of-${producerId}`, producerId, kind: 'audio', rtpParameters: {}, type: 'simple', paused: false };
    },
    closeConsumer: (consumerId: string) => closed.push(consumerId),
  };
  const socket = { data: { peer: { media }, clientIp: '127.0.0.1' } } as unknown as ParticipantSocket;
  const ports = { peers: {}, joinBacklog: { settle: () => undefined } } as unknown as MediaHandlerPorts;
  let consumeMany: ConsumeMany | undefined;
  const handle = ((_socket: ParticipantSocket, event: string, _dto: unknown, handler: ConsumeMany) => {
    if (event === 'consumeMany') consumeMany = handler;
  }) as unknown as HandleRequest;
  registerMediaHandlers(handle, socket, ports);
  assert.ok(consumeMany, 'consumeMany is registered');
  return { consumeMany, closed, context: { socket, principal: { id: 'viewer' } as Principal } };
}

const request = (producers: string[]): ConsumeManyDto => ({
  rtpCapabilities: CAPABILITIES,
  consumers: producers.map((producerId) => ({ producerId, paused: false })),
});

describe('consumeMany', () => {
  it('answers a refusal for its producer alone and keeps the other consumers', async () => {
    const { consumeMany, closed, context } = consumeManyOver({ a: 'ok', b: 'refused' });
    const { consumers } = await consumeMany(request(['a', 'b']), context);
    assert.deepEqual(
      consumers.map((c) => c.ok),
      [true, false],
    );
    assert.deepEqual(closed, []);
  });

  it('answers a fault as the request’s error and closes the consumers the request made', async () => {
    const { consumeMany, closed, context } = consumeManyOver({ a: 'ok', b: 'fault', c: 'refused', d: 'ok' });
    await assert.rejects(consumeMany(request(['a', 'b', 'c', 'd']), context), /the worker channel broke/);
    assert.deepEqual(closed, ['consumer-of-a', 'consumer-of-d']);
  });
});
