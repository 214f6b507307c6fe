import type { IngestOptions } from '../../media/ingest';
import type { PipeEndpoint } from '../../media/nodePipes';
import type { SourceInfo } from '../../media/types';
import { AppError } from '../errors';

// Requests between nodes come from our own nodes through Redis; they are still checked before use,
// because nothing read from the network goes to mediasoup unchecked.

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('bad_request', `${what} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string, pattern = /^[\w.:/-]{1,200}$/): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new AppError('bad_request', `${what} is missing or malformed`);
  return value;
}

export function parseStageRequest(payload: unknown): { stageKey: string; producerId?: string; sourceId?: string } {
  const body = record(payload, 'the request');
  return {
    stageKey: text(body.stageKey, 'stageKey'),
    ...(body.producerId === undefined ? {} : { producerId: text(body.producerId, 'producerId') }),
    ...(body.sourceId === undefined ? {} : { sourceId: text(body.sourceId, 'sourceId') }),
  };
}

export function parsePipeEndpoint(value: unknown): PipeEndpoint {
  const body = record(value, 'endpoint');
  const port = body.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError('bad_request', 'endpoint.port is malformed');
  const srtp = record(body.srtpParameters, 'endpoint.srtpParameters');
  const cryptoSuite = text(
    srtp.cryptoSuite,
    'cryptoSuite',
    /^(AES_CM_128_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_32)$/,
  ) as PipeEndpoint['srtpParameters']['cryptoSuite'];
  return {
    ip: text(body.ip, 'endpoint.ip'),
    port,
    srtpParameters: { cryptoSuite, keyBase64: text(srtp.keyBase64, 'keyBase64', /^[A-Za-z0-9+/=]{16,128}$/) },
  };
}

export function parseIngestRequest(payload: unknown): { stageKey: string; options: IngestOptions } {
  const { stageKey } = parseStageRequest(payload);
  const options = record(record(payload, 'the request').options, 'options');
  const videoCodec = options.videoCodec;
  if (videoCodec !== 'VP8' && videoCodec !== 'H264') throw new AppError('bad_request', 'options.videoCodec must be VP8 or H264');
  return {
    stageKey,
    options: {
      videoCodec,
      ...(options.sourceId === undefined ? {} : { sourceId: text(options.sourceId, 'options.sourceId') }),
      // A label is shown to people: control characters are refused, which is what this pattern is for.
      // eslint-disable-next-line no-control-regex
      ...(options.label === undefined ? {} : { label: text(options.label, 'options.label', /^[^\u0000-\u001f]{1,200}$/) }),
    },
  };
}

/** The sources a node publishes for a stage: only what piping them needs is kept. */
export function parseSources(value: unknown): SourceInfo[] {
  if (!Array.isArray(value) || value.length > 64) throw new AppError('bad_request', 'sources must be an array of at most 64');
  return value.map((item, index) => {
    const source = record(item, `sources[${index}]`);
    const kind = source.kind;
    if (kind !== 'onsite' && kind !== 'camera' && kind !== 'screen' && kind !== 'interpretation')
      throw new AppError('bad_request', `sources[${index}].kind is malformed`);
    const producers = source.producers;
    if (!Array.isArray(producers) || producers.length > 8) throw new AppError('bad_request', `sources[${index}].producers is malformed`);
    return {
      id: text(source.id, 'source id'),
      kind,
      label: typeof source.label === 'string' ? source.label.slice(0, 200) : '',
      ownerId: source.ownerId === null ? null : text(source.ownerId, 'ownerId'),
      producers: producers.map((producer: unknown) => {
        const p = record(producer, 'producer');
        if (p.kind !== 'audio' && p.kind !== 'video') throw new AppError('bad_request', 'producer kind is malformed');
        return { producerId: text(p.producerId, 'producerId'), kind: p.kind };
      }),
      ...(kind === 'interpretation' ? { language: text(source.language, 'language') } : {}),
    };
  });
}
