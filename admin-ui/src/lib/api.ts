import type { SessionRecord } from '../../../signaling/contract';
import { currentLocale } from '../i18n/locale';

/** One field the server refused, as a 400 answer's `details` lists them. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** A REST call that did not succeed: the server's error code, message and details, or a network failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
  }

  /** Field problems of a 400 answer (empty for anything else). */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.flatMap((item: unknown) => {
      if (typeof item !== 'object' || item === null || !('field' in item) || !('problems' in item)) return [];
      const { field, problems } = item;
      if (typeof field !== 'string' || !Array.isArray(problems)) return [];
      return [{ field, problems: problems.filter((p): p is string => typeof p === 'string') }];
    });
  }

  /** The session a 409 answer says the change would overlap, if it names one. */
  get conflictingSession(): SessionRecord | null {
    const details = this.details;
    if (typeof details !== 'object' || details === null || !('conflictingSession' in details)) return null;
    const session = details.conflictingSession;
    if (typeof session !== 'object' || session === null || !('id' in session) || !('title' in session)) return null;
    // The server sends the stored record as is.
    return session as SessionRecord;
  }
}

function errorBodyOf(body: unknown): { code: string; message: string; details?: unknown } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  if (typeof error !== 'object' || error === null || !('code' in error) || !('message' in error)) return null;
  if (typeof error.code !== 'string' || typeof error.message !== 'string') return null;
  return { code: error.code, message: error.message, details: 'details' in error ? error.details : undefined };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The REST API of stagecast, called with the page's access token (or none: public reads). Answers are
 * the server's documented JSON shapes; the caller names the type it expects.
 */
export class ApiClient {
  constructor(
    /** A token, or the page's renewable one (read at each call). */
    private readonly token: string | null | { readonly current: string },
    /** Told when the server refuses the token itself (expired, signed with another secret). */
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }

  post<T>(path: string, body: object = {}): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  put<T>(path: string, body: object): Promise<T> {
    return this.#call<T>('PUT', path, body);
  }

  patch<T>(path: string, body: object): Promise<T> {
    return this.#call<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.#call<void>('DELETE', path);
  }

  async #call<T>(method: Method, path: string, body?: object): Promise<T> {
    // The page's language, not the browser's: what the server words for people should match the page.
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale() };
    const bearer = typeof this.token === 'object' && this.token !== null ? this.token.current : this.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'unavailable', `the server did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    if (response.status === 204) return undefined as T;
    const parsed: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = errorBodyOf(parsed);
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(response.status, error?.code ?? 'internal', error?.message ?? `HTTP ${response.status}`, error?.details);
    }
    // The server answers each route with the shape its OpenAPI document names.
    return parsed as T;
  }
}

/** `/api/events/:eventId…` with every segment escaped. */
export function eventPath(eventId: string, ...rest: string[]): string {
  return ['/api/events', eventId, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');
}

/**
 * Saves what an authenticated GET answers as a file. A link cannot carry the access token: the file is
 * fetched with it and handed to the browser as a download.
 */
export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  // In the page's language: what the server writes for people (CSV headers, calendars) follows it.
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, 'accept-language': currentLocale() } });
  if (!response.ok) throw new ApiError(response.status, 'internal', `HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
