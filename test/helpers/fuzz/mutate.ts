import 'reflect-metadata';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { Prng } from './prng';

/** The part of a generated JSON schema the fuzzer reads. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
}

/** The JSON schema of every DTO class loaded in this process, by class name (what the OpenAPI document uses). */
export function dtoSchemas(): Record<string, Schema> {
  return validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
    refPointerPrefix: '#/components/schemas/',
  }) as Record<string, Schema>;
}

/** A number JSON cannot carry: the REST encoder writes it as a bare token (NaN, 1e999); over Socket.IO it becomes null. */
export class NonFinite {
  constructor(readonly value: number) {}
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json } | NonFinite | Uint8Array;
type JsonObject = { [key: string]: Json };

/** What makes a generated payload invalid; every kind is refused by construction. */
export type MutationKind =
  | 'extra-field'
  | 'missing-field'
  | 'wrong-type'
  | 'out-of-range'
  | 'huge-string'
  | 'huge-array'
  | 'deep-nesting'
  | 'proto-key'
  | 'lone-surrogate'
  | 'non-finite'
  | 'binary'
  | 'not-an-object';

export interface Mutated {
  payload: Json | undefined;
  kind: MutationKind;
}

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const EXTRA_NAMES = [
  'surprise',
  'isAdmin',
  'role',
  'admin',
  'debug',
  '$where',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'x'.repeat(90),
  '0',
  '',
];

function isObject(value: Json | undefined): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof NonFinite) && !(value instanceof Uint8Array)
  );
}

/** Sets an own property, even `__proto__` (a literal or an assignment would set the prototype). */
function setOwn(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/**
 * Values of every kind a hostile client sends, from the harmless-looking to the huge. `binary`
 * adds Buffers (only Socket.IO can carry them).
 */
export function hostileValue(rng: Prng, binary: boolean): Json {
  switch (rng.int(binary ? 12 : 11)) {
    case 0:
      return rng.pick([0, -1, -0.5, 1e300, -1e300, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE]);
    case 1:
      return new NonFinite(rng.pick([NaN, Infinity, -Infinity]));
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.pick(['', ' ', '\u0000', 'null', 'undefined', '{"a":1}', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --"]);
    case 4:
      return 'x'.repeat(rng.between(10_001, 30_000));
    case 5:
      return `a\ud800b${rng.pick(['', '\udfff', '\udc00\ud800'])}`;
    case 6:
      return Array.from({ length: rng.between(129, 2000) }, (_, i) => i);
    case 7:
      return nested(rng.between(9, 120));
    case 8:
      return [rng.uuid(), { a: [1, { b: 'c' }] }];
    case 9: {
      const object: JsonObject = {};
      setOwn(object, rng.pick(FORBIDDEN_KEYS), { polluted: true });
      return object;
    }
    case 10:
      return { [rng.pick(EXTRA_NAMES)]: rng.uuid() };
    default:
      return Uint8Array.from({ length: rng.between(1, 64) }, () => rng.int(256));
  }
}

function nested(depth: number): Json {
  let value: Json = { leaf: true };
  for (let i = 0; i < depth; i++) value = i % 3 === 0 ? [value] : { child: value };
  return value;
}

/** A value of another JSON kind than the schema's (null only for non-nullable fields). */
function wrongTypeFor(schema: Schema, rng: Prng): Json {
  const type = schema.$ref || schema.items?.$ref ? (schema.type ?? 'object') : schema.type;
  const candidates: Json[] = [];
  if (type !== 'string') candidates.push(rng.pick(['text', '42', 'true', rng.uuid()]));
  if (type !== 'integer' && type !== 'number') candidates.push(rng.pick([7, 0, -1, 3.5]));
  if (type === 'integer') candidates.push(rng.pick([1.5, 0.001, 99.9]));
  if (type !== 'boolean') candidates.push(rng.pick([true, false]));
  if (type !== 'array') candidates.push(rng.pick([[], [1, 'two'], [{}]]));
  if (type !== 'object' && type !== undefined) candidates.push({ a: 1 });
  if (!schema.nullable) candidates.push(null);
  return rng.pick(candidates);
}

function schemaOf(ref: string | undefined, schemas: Record<string, Schema>): Schema | undefined {
  return ref ? schemas[ref.slice(ref.lastIndexOf('/') + 1)] : undefined;
}

interface Node {
  object: JsonObject;
  schema: Schema;
}

/** The objects of a payload that a DTO describes: the top level and nested DTOs (not free-form records). */
function dtoNodes(object: JsonObject, schema: Schema, schemas: Record<string, Schema>, out: Node[] = []): Node[] {
  out.push({ object, schema });
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const value = object[key];
    const single = schemaOf(property.$ref, schemas);
    if (single && isObject(value)) dtoNodes(value, single, schemas, out);
    const item = schemaOf(property.items?.$ref, schemas);
    if (item && Array.isArray(value)) for (const element of value) if (isObject(element)) dtoNodes(element, item, schemas, out);
  }
  return out;
}

function fieldsOfType(node: Node, test: (s: Schema) => boolean): string[] {
  return Object.entries(node.schema.properties ?? {})
    .filter(([, s]) => test(s))
    .map(([key]) => key);
}

/**
 * A copy of `baseline` (a payload the DTO accepts) that the DTO must refuse, and how it was broken.
 * `schema` is the DTO's; `schemas` resolves its nested DTOs.
 */
export function malform(
  rng: Prng,
  baseline: JsonObject,
  schema: Schema,
  schemas: Record<string, Schema>,
  options: { binary: boolean },
): Mutated {
  const kinds: MutationKind[] = [
    'extra-field',
    'missing-field',
    'wrong-type',
    'out-of-range',
    'huge-string',
    'huge-array',
    'deep-nesting',
    'proto-key',
    'lone-surrogate',
    'non-finite',
    'not-an-object',
  ];
  if (options.binary) kinds.push('binary');
  const kind = rng.pick(kinds);
  if (kind === 'not-an-object') {
    return { kind, payload: rng.pick<Json | undefined>([null, 42, 'payload', true, [], [clone(baseline)], undefined]) };
  }
  const payload = clone(baseline) as JsonObject;
  const nodes = dtoNodes(payload, schema, schemas);
  const node = rng.chance(0.5) ? nodes[0] : rng.pick(nodes);
  const setField = (key: string, value: Json): Mutated => {
    setOwn(node.object, key, value);
    return { kind, payload };
  };
  const anyField = (): string | undefined => {
    const keys = Object.keys(node.schema.properties ?? {});
    return keys.length > 0 ? rng.pick(keys) : undefined;
  };
  const extra = (): Mutated => {
    const known = new Set(Object.keys(node.schema.properties ?? {}));
    const name = rng.pick(EXTRA_NAMES.filter((n) => !known.has(n)));
    setOwn(node.object, name, hostileValue(rng, options.binary));
    return { kind: 'extra-field', payload };
  };
  switch (kind) {
    case 'extra-field':
      return extra();
    case 'missing-field': {
      const required = node.schema.required ?? [];
      if (required.length === 0) return extra();
      delete node.object[rng.pick(required)];
      return { kind, payload };
    }
    case 'wrong-type': {
      const key = anyField();
      if (!key) return extra();
      const property = node.schema.properties![key];
      // An array of DTOs: one element that is no object ([], null, a string…) among valid ones.
      if (property.items?.$ref && Array.isArray(node.object[key]) && rng.chance(0.5)) {
        const items = node.object[key];
        items.splice(rng.int(items.length + 1), 0, rng.pick<Json>([[], [{}], null, 'item', 7, true]));
        return { kind, payload };
      }
      return setField(key, wrongTypeFor(property, rng));
    }
    case 'out-of-range': {
      const numeric = fieldsOfType(node, (s) => s.type === 'integer' || s.type === 'number');
      if (numeric.length === 0) return extra();
      // Every numeric field of the contract is bounded within [0, 2^32]: these are outside.
      return setField(rng.pick(numeric), rng.pick([-1, -rng.between(2, 1e9), 2 ** 53 + 2, 1e300, -1e300]));
    }
    case 'huge-string': {
      const key = anyField();
      return key ? setField(key, 'y'.repeat(rng.between(10_001, 40_000))) : extra();
    }
    case 'huge-array': {
      const key = anyField() ?? 'items';
      return setField(
        key,
        Array.from({ length: rng.between(129, 3000) }, () => rng.uuid()),
      );
    }
    case 'deep-nesting':
      return setField(anyField() ?? 'child', nested(rng.between(9, 200)));
    case 'proto-key':
      return setField(rng.pick(FORBIDDEN_KEYS), rng.pick<Json>([{ polluted: true }, { prototype: { polluted: true } }, 'x', null]));
    case 'lone-surrogate': {
      const strings = fieldsOfType(node, (s) => s.type === 'string');
      if (strings.length === 0 || rng.chance(0.2)) return setField(`key\udc00${rng.int(9)}`, 1);
      const key = rng.pick(strings);
      const current = node.object[key];
      return setField(key, `${typeof current === 'string' ? current : 'value'}\ud83d`);
    }
    case 'non-finite': {
      const key = anyField() ?? 'value';
      return setField(key, new NonFinite(rng.pick([NaN, Infinity, -Infinity])));
    }
    case 'binary':
      return setField(
        anyField() ?? 'blob',
        Uint8Array.from({ length: rng.between(1, 512) }, () => rng.int(256)),
      );
  }
}

/**
 * Replaces the id fields of a payload (uuid- and slug-shaped strings) with fresh ones that exist
 * nowhere: a well-formed request about things that do not exist. Null when it has no id field.
 */
export function withUnknownIds(rng: Prng, baseline: JsonObject, schema: Schema): JsonObject | null {
  const payload = clone(baseline) as JsonObject;
  let replaced = 0;
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (property.type !== 'string' || typeof payload[key] !== 'string') continue;
    if (property.format === undefined && !/Id$/.test(key)) continue;
    payload[key] = property.format === 'uuid' ? rng.uuid() : rng.slug();
    replaced += 1;
  }
  return replaced > 0 ? payload : null;
}

/** JSON text of a payload, writing non-finite numbers as the bare tokens a hostile client would. */
export function toJsonText(payload: Json | undefined): string {
  const tokens: string[] = [];
  const text = JSON.stringify(payload, (_key, value: unknown) => {
    if (!(value instanceof NonFinite)) return value;
    tokens.push(Number.isNaN(value.value) ? 'NaN' : value.value > 0 ? '1e999' : '-1e999');
    return `@@nonfinite${tokens.length - 1}@@`;
  });
  return (text ?? '').replace(/"@@nonfinite(\d+)@@"/g, (_all, i: string) => tokens[Number(i)]);
}

/** What Socket.IO is given: bytes as Buffers (sent as binary attachments), non-finite numbers as they are. */
export function toSocketValue(payload: Json | undefined): unknown {
  if (payload instanceof NonFinite) return payload.value;
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  if (Array.isArray(payload)) return payload.map(toSocketValue);
  if (isObject(payload)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(payload))
      Object.defineProperty(out, key, { value: toSocketValue(payload[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return payload;
}
