import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ERROR_CODES } from '../errors';
import type { Access, ApiRegistry, RouteSpec } from './api';

type Json = Record<string, unknown>;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [...ERROR_CODES],
        },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: RouteSpec, schemas: Record<string, Json>): Json[] {
  const out: Json[] = [];
  for (const [where, dto] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!dto) continue;
    const schema = schemas[dto.name] as { properties?: Record<string, Json>; required?: string[] } | undefined;
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (schema?.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

function operation(spec: RouteSpec, schemas: Record<string, Json>): Json {
  const status = String(spec.status ?? 200);
  const success: Json =
    status === '204'
      ? { description: 'done' }
      : {
          description: spec.response ?? 'ok',
          content: Object.fromEntries(
            (spec.produces ?? ['application/json']).map((type) => [
              type,
              type !== 'application/json'
                ? { schema: { type: 'string' } }
                : {
                    schema:
                      spec.response && schemas[spec.response] ? { $ref: `#/components/schemas/${spec.response}` } : { type: 'object' },
                  },
            ]),
          ),
        };
  const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const op: Json = {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    parameters: parameters(spec, schemas),
    responses: { [status]: success, default: error },
  };
  if (spec.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.body.name}` } } } };
  }
  if (spec.access !== 'anyone') {
    op.security = spec.access === 'event-read' ? [{}, { bearer: [] }] : [{ bearer: [] }];
    op.description = ACCESS_DESCRIPTIONS[spec.access] ?? `Permission: ${spec.access}`;
  }
  return op;
}

const ACCESS_DESCRIPTIONS: Partial<Record<Access, string>> = {
  'event-read': 'Public events: no token needed. Private events: a token of the event.',
  platform: 'A platform administrator\'s token (role admin, event "*").',
};

/** The schemas the routes use (inputs and documented answers), and those they reference, by name; not every DTO of the process. */
function reachableSchemas(registry: ApiRegistry, all: Record<string, Json>): Record<string, Json> {
  const pending = registry.routes.flatMap((r) => [
    ...[r.params, r.query, r.body].flatMap((dto) => (dto ? [dto.name] : [])),
    ...(r.response ? [r.response] : []),
  ]);
  const out: Record<string, Json> = {};
  while (pending.length > 0) {
    const name = pending.pop()!;
    const schema = all[name];
    if (!schema || out[name]) continue;
    out[name] = schema;
    for (const match of JSON.stringify(schema).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)/g)) pending.push(match[1]);
  }
  return out;
}

/** The OpenAPI 3 document of every route in the registry, with schemas generated from the DTOs. */
export function buildOpenApi(registry: ApiRegistry, info: { title: string; version: string }): Json {
  const all = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
    refPointerPrefix: '#/components/schemas/',
  }) as Record<string, Json>;
  const schemas = reachableSchemas(registry, all);
  const paths: Record<string, Json> = {};
  for (const spec of registry.routes) {
    const path = openApiPath(spec.path);
    paths[path] = { ...(paths[path] ?? {}), [spec.method]: operation(spec, schemas) };
  }
  return {
    openapi: '3.0.3',
    info: { ...info, description: 'stagecast REST API. Errors: { "error": { "code", "message" } }.' },
    paths,
    components: {
      schemas: { ...schemas, Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
