import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../server/errors';
import { UpdateAchievementDto, UpdateEventDto } from '../../server/http/dto/agenda';
import { assertSafePayload, validateDto } from '../../server/validation';
import { ConnectTransportDto, PreferredLayersDto, ProduceDto } from '../../signaling/dto';

const ROOT = path.join(__dirname, '../..');
const UUID = '3f1c2b9e-8d4a-4c7e-9b2f-5a6d7e8f9a0b';

async function refused(dto: new () => object, payload: unknown): Promise<string> {
  try {
    await validateDto(dto, payload);
  } catch (error) {
    assert.ok(error instanceof AppError && error.code === 'bad_request', String(error));
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(payload)}`);
}

describe('validation at the edge', () => {
  it('refuses null for an optional field unless the field says it may be null', async () => {
    assert.match(await refused(UpdateEventDto, { name: null }), /name must be a string/);
    assert.match(await refused(PreferredLayersDto, { consumerId: UUID, spatialLayer: 1, temporalLayer: null }), /temporalLayer/);
    assert.deepEqual({ ...(await validateDto(UpdateAchievementDto, { sessionId: null })) }, { sessionId: null });
    assert.deepEqual({ ...(await validateDto(UpdateEventDto, {})) }, {});
  });

  it('refuses a nested object that is missing, an array, or an array holding no objects', async () => {
    assert.match(await refused(ConnectTransportDto, { transportId: UUID }), /dtlsParameters must be an object/);
    assert.match(await refused(ConnectTransportDto, { transportId: UUID, dtlsParameters: [] }), /dtlsParameters must be an object/);
    const produce = { transportId: UUID, kind: 'video', source: 'camera' };
    assert.match(await refused(ProduceDto, { ...produce, rtpParameters: { codecs: [[]] } }), /each value in codecs must be an object/);
  });

  it('refuses field names of Object.prototype, which class-transformer would drop unseen', async () => {
    for (const key of ['toString', 'valueOf', 'hasOwnProperty', '__proto__', 'constructor']) {
      const payload = JSON.parse(`{"name":"x","${key}":1}`) as unknown;
      assert.match(await refused(UpdateEventDto, payload), /forbidden field name/, key);
    }
  });

  it('refuses strings and field names that are not valid Unicode (lone surrogates)', () => {
    assert.throws(() => assertSafePayload({ text: 'ok\ud800' }), /not valid Unicode/);
    assert.throws(() => assertSafePayload({ ['k\udc00']: 1 }), /invalid field name/);
    assertSafePayload({ text: 'emoji \ud83d\ude00 and 中文' });
  });

  it('no DTO uses class-validator IsOptional (it lets null through); they use Optional', () => {
    const files = ['server/http/dto/agenda.ts', 'server/http/dto/live.ts', 'server/http/dto/ops.ts', 'signaling/dto.ts'];
    for (const file of files) assert.doesNotMatch(fs.readFileSync(path.join(ROOT, file), 'utf8'), /\bIsOptional\b/, file);
  });
});
