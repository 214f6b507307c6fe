import type { RouteSpec } from '../../../server/http/api';
import { type Json, type Schema, hostileValue, malform, toJsonText } from './mutate';
import type { Prng } from './prng';
import type { RawRequest } from './rawHttp';

export interface RestCase {
  route: RouteSpec;
  /** What was broken: `params:…`, `query:…`, `body:…`, with `+auth` when the token was bad too. */
  how: string;
  request: RawRequest;
}

export interface RestFuzzInput {
  /** Path parameter values of existing records (`eventId: 'demo'`, `sessionId: …`). */
  params: Record<string, string>;
  /** A body each body DTO accepts, by DTO class name. */
  bodies: Record<string, Record<string, Json>>;
  schemas: Record<string, Schema>;
  /** `Authorization` header of a privileged caller of the event. */
  authorization: string;
  /** Headers of callers who are nobody: none, garbage, tampered, expired, another event's. */
  badAuthorizations: (string | null)[];
}

const INVALID_SEGMENTS = [
  'Not_A_Slug',
  '-leading-dash',
  'UPPER',
  'a%20b',
  '%FF',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%E2%82',
  '..%2F..%2Fetc%2Fpasswd',
  '__proto__',
  '%5F%5Fproto%5F%5F',
  'x'.repeat(65),
  'y'.repeat(1500),
  '00000000-0000-1000-8000-000000000000',
  '%F0%9F%98%80',
  '*',
  '%25',
];
const JSON_TEXTS = [
  '{"a":',
  "{'a':1}",
  '{"a":1,}',
  'NaN',
  '{"n": NaN}',
  '{"n": Infinity}',
  'null',
  '42',
  '"text"',
  'true',
  '[]',
  '[{}]',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
];
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  'application/merge-patch+json',
];
const QUERY_NAMES = ['surprise', 'debug', 'admin', '__proto__', 'constructor', 'stage[x]', 'state[]', '%FF', 'a%00b', 'token'];

function segment(value: string): string {
  return encodeURIComponent(value);
}

function fill(route: RouteSpec, values: Record<string, string>, raw: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => raw[name] ?? segment(values[name] ?? 'missing'));
}

function paramNames(route: RouteSpec): string[] {
  return [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

function jsonBody(text: string | Buffer, contentType = 'application/json'): { headers: Record<string, string>; body: Buffer } {
  return { headers: { 'content-type': contentType }, body: typeof text === 'string' ? Buffer.from(text, 'utf8') : text };
}

/** The baseline body of a route (or `{}`), with bytes that are not UTF-8 spliced into its first string. */
function invalidUtf8Body(rng: Prng, baseline: Record<string, Json>): Buffer {
  const text = JSON.stringify(Object.keys(baseline).length > 0 ? baseline : { name: 'value' });
  const at = text.indexOf('":"') >= 0 ? text.indexOf('":"') + 3 : text.length - 1;
  const cut = at >= text.length - 1 ? text.indexOf(':') + 1 : at;
  const bytes = Buffer.from(rng.pick(INVALID_UTF8));
  const inside = at >= text.length - 1 ? Buffer.concat([Buffer.from('"'), bytes, Buffer.from('",')]) : bytes;
  return Buffer.concat([Buffer.from(text.slice(0, cut)), inside, Buffer.from(text.slice(cut))]);
}

/** One malformed request for a route: exactly one of its inputs broken, the rest as a valid call would send them. */
export function restCase(rng: Prng, route: RouteSpec, input: RestFuzzInput): RestCase {
  const names = paramNames(route);
  const targets = [...(names.length > 0 ? ['params'] : []), 'query', 'body'] as const;
  const target = rng.pick(targets);
  const bodyBaseline = route.body ? input.bodies[route.body.name] : undefined;
  if (route.body && !bodyBaseline) throw new Error(`no baseline body for ${route.body.name}`);
  const badAuth = rng.chance(0.2);
  const authorization = badAuth ? rng.pick(input.badAuthorizations) : input.authorization;
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  let path = fill(route, input.params);
  let body: Buffer | undefined;
  let how: string;

  if (route.body) Object.assign(headers, { 'content-type': 'application/json' });
  if (bodyBaseline) body = Buffer.from(JSON.stringify(bodyBaseline));

  if (target === 'params') {
    if (rng.chance(0.35)) {
      // Well-formed ids of nothing that exists.
      const unknown = Object.fromEntries(
        names.map((n) => [n, /Id$/.test(n) && n !== 'eventId' && n !== 'stageId' ? rng.uuid() : rng.slug()]),
      );
      path = fill(route, { ...input.params, ...unknown });
      how = 'params:unknown-ids';
    } else {
      const name = rng.pick(names);
      path = fill(route, input.params, { [name]: rng.pick(INVALID_SEGMENTS) });
      how = `params:invalid-${name}`;
    }
  } else if (target === 'query') {
    const pairs: string[] = [];
    const choice = rng.int(4);
    if (choice === 0 && route.query) {
      const known = Object.keys(input.schemas[route.query.name]?.properties ?? {});
      const name = rng.pick(known);
      pairs.push(`${name}=${rng.pick(['Not%20A%20Slug', '%FF', 'x'.repeat(rng.between(65, 6000)), 'bogus', '', '%ED%A0%80'])}`);
      how = 'query:invalid-value';
    } else if (choice === 1 && route.query) {
      const name = rng.pick(Object.keys(input.schemas[route.query.name]?.properties ?? {}));
      pairs.push(`${name}=a`, `${name}=b`);
      how = 'query:repeated';
    } else {
      pairs.push(
        `${rng.pick(QUERY_NAMES)}=${encodeURIComponent(String(rng.pick(['1', 'true', 'x'.repeat(rng.between(1, 5000)), rng.uuid()])))}`,
      );
      how = 'query:unknown-parameter';
    }
    path = `${path}?${pairs.join('&')}`;
  } else {
    const raw = rng.int(10);
    if (raw === 0) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(rng.pick(JSON_TEXTS));
      how = 'body:invalid-json';
    } else if (raw === 1) {
      const made = jsonBody(invalidUtf8Body(rng, bodyBaseline ?? {}));
      Object.assign(headers, made.headers);
      body = made.body;
      how = 'body:invalid-utf8';
    } else if (raw === 2) {
      headers['content-type'] = rng.pick(CONTENT_TYPES);
      body = rng.chance(0.5)
        ? Buffer.from(JSON.stringify(bodyBaseline ?? { a: 1 }))
        : Buffer.from(Array.from({ length: rng.between(1, 2048) }, () => rng.int(256)));
      how = 'body:wrong-content-type';
    } else if (raw === 3) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(JSON.stringify({ text: 'z'.repeat(rng.between(70_000, 200_000)) }));
      how = 'body:over-the-limit';
    } else if (raw === 4) {
      headers['content-type'] = 'application/json';
      headers['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'compress', 'identity, gzip']);
      body = Buffer.from(JSON.stringify(bodyBaseline ?? { a: 1 }));
      how = 'body:bad-encoding';
    } else if (bodyBaseline && route.body) {
      const schema = input.schemas[route.body.name] ?? { properties: {} };
      const mutated = malform(rng, bodyBaseline, schema, input.schemas, { binary: false });
      headers['content-type'] = 'application/json';
      body = Buffer.from(mutated.payload === undefined ? '' : toJsonText(mutated.payload));
      if (body.length === 0) body = Buffer.from('{"missing":true}');
      how = `body:${mutated.kind}`;
    } else {
      // A route that takes no body: any field is one too many.
      headers['content-type'] = 'application/json';
      const value = hostileValue(rng, false);
      body = Buffer.from(toJsonText({ [rng.pick(['surprise', 'id', 'eventId', 'role', 'text'])]: value }));
      how = 'body:unexpected-body';
    }
  }
  return { route, how: badAuth ? `${how}+auth` : how, request: { method: route.method.toUpperCase(), path, headers, body } };
}
