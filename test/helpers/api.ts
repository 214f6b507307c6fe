import assert from 'node:assert/strict';
import request from 'supertest';
import type { ErrorCode } from '../../server/errors';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a REST call answered, with the body left `unknown` until a test says what it expects. */
export interface Reply {
  method: Method;
  path: string;
  status: number;
  body: unknown;
  text: string;
}

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface FieldError {
  field: string;
  problems: string[];
}

function describeReply(reply: Reply): string {
  return `${reply.method.toUpperCase()} ${reply.path} answered ${reply.status} ${reply.text.slice(0, 600)}`;
}

/**
 * A REST caller with a fixed identity (a bearer token, a raw Authorization header, or nobody).
 * Every call resolves with a `Reply`; nothing throws on an error status.
 */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly authorization: string | null = null,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** The same node, called with `Authorization: Bearer <token>`. */
  as(token: string): ApiClient {
    return new ApiClient(this.url, `Bearer ${token}`, this.headers);
  }

  /** The same node, called with this exact Authorization header value. */
  withAuthorization(value: string): ApiClient {
    return new ApiClient(this.url, value, this.headers);
  }

  /** The same caller, sending these headers too (e.g. X-Forwarded-For through a trusted proxy). */
  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.url, this.authorization, { ...this.headers, ...headers });
  }

  async call(method: Method, path: string, body?: unknown): Promise<Reply> {
    const agent = request(this.url);
    let test =
      method === 'get'
        ? agent.get(path)
        : method === 'post'
          ? agent.post(path)
          : method === 'put'
            ? agent.put(path)
            : method === 'patch'
              ? agent.patch(path)
              : agent.delete(path);
    if (this.authorization !== null) test = test.set('Authorization', this.authorization);
    for (const [name, value] of Object.entries(this.headers)) test = test.set(name, value);
    const res = body === undefined ? await test : await test.send(body as object);
    return { method, path, status: res.status, body: res.body as unknown, text: res.text ?? '' };
  }

  get(path: string): Promise<Reply> {
    return this.call('get', path);
  }

  post(path: string, body?: unknown): Promise<Reply> {
    return this.call('post', path, body);
  }

  put(path: string, body?: unknown): Promise<Reply> {
    return this.call('put', path, body);
  }

  patch(path: string, body?: unknown): Promise<Reply> {
    return this.call('patch', path, body);
  }

  delete(path: string): Promise<Reply> {
    return this.call('delete', path);
  }
}

/** Asserts a success status and returns the body as the type the route documents. */
export function ok<T>(reply: Reply, status = 200): T {
  assert.equal(reply.status, status, describeReply(reply));
  return reply.body as T;
}

/** Asserts the JSON error `{ error: { code, message } }` with this status and code; returns the error. */
export function failed(reply: Reply, status: number, code: ErrorCode): ApiErrorBody {
  assert.equal(reply.status, status, describeReply(reply));
  const body = reply.body as { error?: ApiErrorBody };
  assert.ok(body.error, `no error object in ${describeReply(reply)}`);
  assert.equal(body.error.code, code, describeReply(reply));
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

/** Asserts a validation 400 and returns the fields its details name, sorted. */
export function badFields(reply: Reply): string[] {
  const error = failed(reply, 400, 'bad_request');
  assert.ok(Array.isArray(error.details), `400 without field details: ${describeReply(reply)}`);
  const details = error.details as FieldError[];
  for (const d of details) {
    assert.equal(typeof d.field, 'string');
    assert.ok(Array.isArray(d.problems) && d.problems.length > 0, `field ${d.field} has no problems listed`);
  }
  return [...new Set(details.map((d) => d.field))].sort();
}

/** Asserts that the reply is not refused for who the caller is (neither 401 nor 403). */
export function notRefused(reply: Reply): void {
  assert.ok(reply.status !== 401 && reply.status !== 403, `expected access, got: ${describeReply(reply)}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
