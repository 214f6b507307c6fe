import assert from 'node:assert/strict';
import { validCapabilities } from '../../signaling/capabilities';
import { AppError } from '../../server/errors';

const CAPABILITIES = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      preferredPayloadType: 100,
      rtcpFeedback: [{ type: 'transport-cc' }],
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      clockRate: 90000,
      preferredPayloadType: 101,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
  ],
  headerExtensions: [{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 }],
};

describe('a receiver’s RTP capabilities, validated once per distinct value', () => {
  it('answers its own copy of the validated value every time', async () => {
    const first = await validCapabilities(structuredClone(CAPABILITIES));
    const second = await validCapabilities(structuredClone(CAPABILITIES));
    assert.deepEqual(first, second);
    assert.notEqual(first, second, 'a copy each: mediasoup normalises capabilities in place');
    assert.equal(first.codecs?.length, 2);
  });

  it('refuses invalid capabilities as bad_request naming the field, also after a valid value was remembered', async () => {
    await validCapabilities(structuredClone(CAPABILITIES));
    const bad = structuredClone(CAPABILITIES) as { codecs: { clockRate: unknown }[] };
    bad.codecs[0].clockRate = 'fast';
    await assert.rejects(validCapabilities(bad), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'bad_request');
      assert.match(error.message, /^rtpCapabilities: .*clockRate/);
      return true;
    });
    await assert.rejects(validCapabilities({ ...CAPABILITIES, extra: true }), /rtpCapabilities: .*extra/);
  });
});
