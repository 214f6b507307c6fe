import assert from 'node:assert/strict';
import { ERROR_CODES } from '../../server/errors';
import { REQUEST_EVENTS } from '../../signaling/contract';
import { type ClientSocket, connect, rawRequest, request, startStagecast, tokenFor } from '../helpers/stagecast';

function deeplyNested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { child: value };
  return value;
}

/** Payloads no request accepts: wrong kinds, wrong field types, oversize, deep, hostile keys, binary. */
const MALFORMED: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['number', 42],
  ['string', 'join please'],
  ['array', [1, 2, 3]],
  ['unknown field', { surprise: 1 }],
  ['wrongly typed fields', { stageId: 7, direction: 1, transportId: [], producerId: {}, consumerId: true, peerId: 3 }],
  ['invalid ids', { stageId: '../../etc', transportId: 'x', producerId: 'y', consumerId: 'z', peerId: 'w', direction: 'both' }],
  ['huge string', { stageId: 'a'.repeat(50_000) }],
  ['huge array', { codecs: Array.from({ length: 5000 }, (_, i) => i) }],
  ['deep nesting', deeplyNested(40)],
  ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "stageId": "keynote"}')],
  ['constructor key', { constructor: { prototype: { polluted: true } }, stageId: 'keynote' }],
  ['negative and huge numbers', { spatialLayer: -1, temporalLayer: 1e300, consumerId: '00000000-0000-4000-8000-000000000000' }],
  ['binary attachment', Buffer.from([0xde, 0xad, 0xbe, 0xef])],
  ['invalid UTF-8 (lone surrogate)', { stageId: '\ud800keynote' }],
];

describe('Signaling refuses malformed payloads on every event', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let socket: ClientSocket;

  before(async () => {
    node = await startStagecast({ SOCKET_REFUSAL_LIMIT: '100000' });
  });
  after(async () => {
    socket?.disconnect();
    await node.stop();
  });

  for (const joined of [false, true]) {
    it(`answers each with an error code and changes nothing (${joined ? 'joined' : 'not joined'})`, async () => {
      socket = await connect(node.url, tokenFor('speaker'));
      if (joined) await request(socket, 'join', { stageId: 'keynote' });
      const sessionsBefore = node.node.signaling.peers.size;
      let answered = 0;
      for (const event of REQUEST_EVENTS) {
        for (const [name, payload] of MALFORMED) {
          const response = await rawRequest(socket, event, payload);
          assert.equal(response.ok, false, `${event} with ${name} was accepted`);
          if (!response.ok)
            assert.ok((ERROR_CODES as readonly string[]).includes(response.error.code), `${event}/${name}: ${response.error.code}`);
          answered += 1;
        }
        // A request without an ack, or with extra arguments, must not hurt either.
        (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, { stageId: 'keynote' });
        const extraArgs = await rawRequest(socket, event, {}, 'extra');
        assert.equal(extraArgs.ok, false);
      }
      assert.equal(answered, REQUEST_EVENTS.length * MALFORMED.length);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
      assert.equal(node.node.signaling.peers.size, sessionsBefore, 'no session was created or closed');
      assert.equal((await fetch(`${node.url}/healthz`)).status, 200, 'the server is still up');
      const again = await request(socket, 'join', { stageId: 'release' });
      assert.ok(again.peerId, 'a valid request still works afterwards');
      socket.disconnect();
    });
  }
});
