import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, ValidateBy, ValidateIf, type ValidationOptions, buildMessage, validate } from 'class-validator';
import { AppError } from './errors';

/** Bounds on the shape of anything a client sends, checked before a DTO is even built. */
const LIMITS = { maxDepth: 8, maxKeys: 64, maxArray: 128, maxString: 10_000 };
/**
 * Field names that could reach a prototype, and the names of Object.prototype's members (`toString`,
 * `valueOf`…), which class-transformer silently skips instead of letting validation refuse them.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);
/** A UTF-16 surrogate that is not half of a pair: a string that is not valid Unicode (no UTF-8 form). */
const LONE_SURROGATE = /\p{Cs}/u;

export interface FieldError {
  field: string;
  problems: string[];
}

function refuse(message: string): never {
  throw new AppError('bad_request', message);
}

/** Rejects prototype-polluting keys, deep nesting, huge arrays and strings, and non-JSON values. */
export function assertSafePayload(value: unknown, path = 'payload', depth = 0): void {
  if (depth > LIMITS.maxDepth) refuse(`${path} is nested too deeply`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    if (value.length > LIMITS.maxString) refuse(`${path} is too long`);
    if (LONE_SURROGATE.test(value)) refuse(`${path} is not valid Unicode`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(`${path} must be a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxArray) refuse(`${path} has too many items`);
    value.forEach((item, i) => assertSafePayload(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value);
    if (keys.length > LIMITS.maxKeys) refuse(`${path} has too many fields`);
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) refuse(`${path} has a forbidden field name "${key}"`);
      if (key.length > 100 || LONE_SURROGATE.test(key)) refuse(`${path} has an invalid field name`);
      assertSafePayload((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
    return;
  }
  refuse(`${path} has a value of an unsupported type`);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** A request that carries nothing; every field in it is refused. */
export class EmptyDto {}

/**
 * Turns an untrusted payload into a validated DTO instance, or throws `bad_request` naming each bad
 * field. Unknown fields are refused, not silently dropped.
 */
export async function validateDto<T extends object>(dtoClass: new () => T, payload: unknown): Promise<T> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) refuse('payload must be a JSON object');
  assertSafePayload(payload);
  if (dtoClass === EmptyDto) {
    const extra = Object.keys(payload);
    if (extra.length > 0) refuse(`invalid payload: ${extra.join(', ')}: no field is expected`);
  }
  const instance = plainToInstance(dtoClass, payload);
  // An EmptyDto has no metadata, which forbidUnknownValues would refuse even when the payload is `{}`.
  const forbidUnknownValues = dtoClass !== EmptyDto;
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues });
  if (errors.length > 0) {
    const details = flatten(errors);
    const summary = details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
    throw new AppError('bad_request', `invalid payload: ${summary}`, { details });
  }
  // Declared but absent optional fields exist on the instance as `undefined` (class fields are
  // defined properties); drop them so a partial update never overwrites what it did not name.
  for (const key of Object.keys(instance) as (keyof T)[]) if (instance[key] === undefined) delete instance[key];
  return instance;
}

/**
 * The field may be absent; when present it is validated, `null` included. Use it instead of
 * class-validator's IsOptional, which also skips `null` and so lets `{ "name": null }` through to the
 * store. A field that may be null says so with its own `ValidateIf((o) => o.field !== null)`.
 */
export function Optional(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}

/** A flat object of string, number or boolean values (codec parameters and the like). */
export function IsFlatRecord(options?: ValidationOptions & { maxKeys?: number }): PropertyDecorator {
  const maxKeys = options?.maxKeys ?? 32;
  return ValidateBy(
    {
      name: 'isFlatRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= maxKeys &&
          Object.entries(value).every(
            ([key, v]) => key.length <= 64 && (typeof v === 'string' ? v.length <= 256 : typeof v === 'number' || typeof v === 'boolean'),
          ),
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be a flat object of at most ${maxKeys} short values`, options),
      },
    },
    options,
  );
}

/** Event and stage ids are short slugs: they appear in URLs and room names. */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * A language of a stage's floor or of an interpretation channel: a BCP 47 tag of a language and at most
 * two subtags (`en`, `zh-Hans`, `pt-BR`, `sr-Latn-RS`); it names a booth, sources and a token claim.
 */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;
