import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import pino from 'pino';
import { PERMISSIONS } from '../../../server/auth/permissions';
import type { RouteSpec } from '../../../server/http/api';
import { createHttpApp } from '../../../server/http/app';
import { uiRoutes } from '../../../server/http/ui';
import { ApiClient, type FieldError, type Method, ok } from '../../helpers/api';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

interface JsonSchema {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  description?: string;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** `METHOD /openapi/{path}` for an express-style route. */
function key(method: string, expressPath: string): string {
  return `${method.toUpperCase()} ${expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

function operations(doc: OpenApiDocument): { key: string; path: string; method: Method; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method,
      op: item[method]!,
    })),
  );
}

function schemaName(ref: string): string {
  const prefix = '#/components/schemas/';
  assert.ok(ref.startsWith(prefix), `${ref} does not point into components.schemas`);
  return ref.slice(prefix.length);
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: unknown;
}

/** Every `METHOD path` an express router (and the routers mounted in it) serves. */
function routesOf(stack: RouterLayer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route)
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => key(m, layer.route!.path));
    const nested = layer.handle as { stack?: RouterLayer[] };
    return Array.isArray(nested.stack) ? routesOf(nested.stack) : [];
  });
}

describe('REST OpenAPI document', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let doc: OpenApiDocument;
  let routes: RouteSpec[];

  before(async () => {
    stagecast = await startStagecast();
    anonymous = new ApiClient(stagecast.url);
    doc = ok<OpenApiDocument>(await anonymous.get('/api/openapi.json'));
    routes = stagecast.node.api.routes;
  });

  after(async () => {
    await stagecast.stop();
  });

  it('is served as JSON without a token and validates as OpenAPI 3', async () => {
    const reply = await anonymous.get('/api/openapi.json');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, doc, 'the same document on every call');
    assert.match(doc.openapi, /^3\.0\./);
    const validated = await SwaggerParser.validate(structuredClone(doc) as unknown as Parameters<typeof SwaggerParser.validate>[0]);
    assert.ok(validated.paths && Object.keys(validated.paths).length > 0);
  });

  it('names the operations the consoles call, each operationId once', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
    for (const id of [
      'createSession',
      'updateSession',
      'listAgenda',
      'startSession',
      'endSession',
      'setProgram',
      'submitQuestion',
      'upvoteQuestion',
      'moderateQuestion',
      'listQuestions',
      'raiseHand',
      'answerHand',
    ]) {
      assert.ok(ids.includes(id), `operation ${id} missing`);
    }
  });

  it('documents every /api route of the express app, and nothing else', () => {
    const app = createHttpApp({
      logger: pino({ level: 'silent' }),
      bodyLimit: '64kb',
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
      routers: [stagecast.node.api.router(), uiRoutes()],
    });
    const served = routesOf((app as unknown as { router: { stack: RouterLayer[] } }).router.stack).filter((r) =>
      r.split(' ')[1].startsWith('/api/'),
    );
    const expected = [...served].sort();
    assert.ok(served.length >= 30, `only ${served.length} /api routes found in the express app`);
    assert.deepEqual(
      operations(doc)
        .map((o) => o.key)
        .sort(),
      expected,
    );
    assert.deepEqual(routes.map((r) => key(r.method, r.path)).sort(), served.sort(), 'the express app serves exactly the registry');
  });

  it('every documented operation is served by the running node', async () => {
    const values: Record<string, string> = { eventId: 'demo', stageId: 'keynote' };
    for (const { method, path, key: k } of operations(doc)) {
      const concrete = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_all, name: string) => values[name] ?? randomUUID());
      const reply = await anonymous.call(method, concrete, method === 'get' || method === 'delete' ? undefined : {});
      const message = (reply.body as { error?: { message?: string } }).error?.message ?? '';
      assert.doesNotMatch(message, /^no route/, k);
    }
    // The check can fail: an undocumented method on a documented path has no route.
    const reply = await anonymous.put('/api/events/demo/agenda', {});
    assert.match((reply.body as { error: { message: string } }).error.message, /^no route PUT/);
  });

  it('every operation with a body references a schema in components, the one of the route’s DTO', () => {
    const byKey = new Map(operations(doc).map((o) => [o.key, o.op]));
    let withBody = 0;
    for (const route of routes) {
      const op = byKey.get(key(route.method, route.path));
      assert.ok(op, `${route.operationId} not documented`);
      assert.equal(op.operationId, route.operationId);
      if (!route.body) {
        assert.equal(op.requestBody, undefined, `${route.operationId} documents a body it does not take`);
        continue;
      }
      withBody++;
      const ref = op.requestBody?.content['application/json']?.schema.$ref;
      assert.ok(ref, `${route.operationId} has a body without a schema reference`);
      const name = schemaName(ref);
      assert.equal(name, route.body.name);
      const schema = doc.components.schemas[name];
      assert.ok(schema, `${route.operationId}: ${ref} does not exist in components.schemas`);
      assert.equal(schema.type, 'object');
      assert.ok(schema.properties && Object.keys(schema.properties).length > 0, `${name} has no properties`);
    }
    assert.ok(withBody >= 14, `only ${withBody} operations with a body`);
    // And every $ref anywhere in the document resolves.
    for (const match of JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g))
      assert.ok(doc.components.schemas[schemaName(match[1])], `${match[1]} does not resolve`);
  });

  it('each request body schema lists the fields its route accepts, and marks the ones it requires', async () => {
    const values: Record<string, string> = { eventId: 'demo', stageId: 'keynote' };
    const problems: string[] = [];
    for (const route of routes.filter((r) => r.body)) {
      const schema = doc.components.schemas[route.body!.name];
      const concrete = route.path.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => values[name] ?? randomUUID());
      // Access is checked before the body: call as a role the route admits, so validation is what answers.
      const caller =
        route.access === 'platform'
          ? anonymous.as(tokenFor('admin', '*'))
          : route.access in PERMISSIONS
            ? anonymous.as(tokenFor(PERMISSIONS[route.access as keyof typeof PERMISSIONS][0]))
            : anonymous;
      // Every documented field, set to a value of no type the schemas allow (an array): none may be refused as unknown.
      const allDocumented = Object.fromEntries(Object.keys(schema.properties ?? {}).map((f) => [f, [[]]]));
      const full = await caller.call(route.method, concrete, allDocumented);
      assert.equal(full.status, 400, `${route.operationId} answered ${full.status} to a body of wrong types`);
      const details = (full.body as { error?: { details?: FieldError[] } }).error?.details ?? [];
      for (const d of details)
        if (d.problems.some((p) => /should not exist/.test(p)))
          problems.push(`${route.operationId}: documents ${d.field}, which the route refuses`);
      // An empty body: the route names exactly the fields the schema requires (none required: nothing named).
      const required = new Set(schema.required ?? []);
      if (required.size === 0) continue;
      const empty = await caller.call(route.method, concrete, {});
      assert.equal(empty.status, 400, `${route.operationId} answered ${empty.status} to an empty body`);
      const missing = new Set(
        empty.status === 400 ? ((empty.body as { error: { details?: FieldError[] } }).error.details ?? []).map((d) => d.field) : [],
      );
      for (const f of missing)
        if (!required.has(f)) problems.push(`${route.operationId}: requires ${f}, which the schema does not mark required`);
      for (const f of required)
        if (!missing.has(f)) problems.push(`${route.operationId}: the schema requires ${f}, which the route does not`);
    }
    assert.deepEqual(problems, []);
  });

  it('says which operations need a token and which permission', () => {
    const byKey = new Map(operations(doc).map((o) => [o.key, o.op]));
    for (const route of routes) {
      const op = byKey.get(key(route.method, route.path))!;
      if (route.access === 'anyone') {
        assert.equal(op.security, undefined, route.operationId);
      } else if (route.access === 'event-read') {
        assert.deepEqual(op.security, [{}, { bearer: [] }], route.operationId);
      } else if (route.access === 'platform') {
        assert.deepEqual(op.security, [{ bearer: [] }], route.operationId);
        assert.match(op.description ?? '', /platform administrator/, route.operationId);
      } else {
        assert.ok(route.access in PERMISSIONS);
        assert.deepEqual(op.security, [{ bearer: [] }], route.operationId);
        assert.match(op.description ?? '', new RegExp(`Permission: ${route.access.replace('.', '\\.')}`), route.operationId);
      }
      assert.ok(op.responses[String(route.status ?? 200)], `${route.operationId} documents its success status ${route.status ?? 200}`);
      assert.ok(op.responses.default, `${route.operationId} documents the error body`);
    }
  });
});
