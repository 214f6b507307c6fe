/**
 * Access tokens of the pages. A link may carry one (`?token=`, how speakers are invited); otherwise an
 * attendee token is requested from the event's public join endpoint. Either is kept in sessionStorage
 * per event, so a reload keeps the same participant (and its votes, hands, resumable session).
 */

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const storageKey = (eventId: string): string => `stagecast.token.${eventId}`;

function readStored(eventId: string): string | null {
  try {
    return sessionStorage.getItem(storageKey(eventId));
  } catch {
    // Storage can be disabled (privacy settings): the page still works, without reload continuity.
    return null;
  }
}

function store(eventId: string, token: string): void {
  try {
    sessionStorage.setItem(storageKey(eventId), token);
  } catch {
    // See readStored.
  }
}

/** Forgets the stored token of an event (the server refused it: expired or signed with another secret). */
export function forgetToken(eventId: string): void {
  try {
    sessionStorage.removeItem(storageKey(eventId));
  } catch {
    // See readStored.
  }
}

/**
 * A token the page was given: the link's (kept for reloads), else one kept before; null without one.
 * For pages of invited people (the desk), which never ask for an attendee token.
 */
export function givenToken(eventId: string): string | null {
  const linked = takeTokenFromLink();
  if (!linked) return readStored(eventId);
  store(eventId, linked);
  return linked;
}

/** Keeps a token the page got itself (an accepted invite) for this tab's next pages and reloads. */
export function keepToken(eventId: string, token: string): void {
  store(eventId, token);
}

/** Takes `?token=` out of the address bar, so it does not end up in screenshots, bookmarks or history. */
export function takeTokenFromLink(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return null;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  return token;
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

async function joinAsAttendee(eventId: string, name: string | null): Promise<string> {
  const response = await fetch(`/api/events/${encodeURIComponent(eventId)}/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { name } : {}),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isErrorBody(body)) throw new TokenError(body.error.code, body.error.message);
    throw new TokenError('unavailable', `joining the event failed (HTTP ${response.status})`);
  }
  if (typeof body !== 'object' || body === null || !('token' in body) || typeof body.token !== 'string') {
    throw new TokenError('internal', 'the join answer carries no token');
  }
  return body.token;
}

/** The display name a link asks for (`?name=`), for the attendee token the page gets itself. */
function nameFromLink(): string | null {
  return new URL(window.location.href).searchParams.get('name')?.trim().slice(0, 80) || null;
}

async function joinAndStore(eventId: string): Promise<string> {
  const joined = await joinAsAttendee(eventId, nameFromLink());
  store(eventId, joined);
  return joined;
}

/**
 * Whether the token came from the event's public join (its `anon` claim): then the page can get
 * another by itself. Read without checking the signature, which is the server's business; the page
 * only decides whether asking for a new token is worth it.
 */
function isFromPublicJoin(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims === 'object' && claims !== null && 'anon' in claims && claims.anon === true;
  } catch {
    return false;
  }
}

/** The token this page acts with: the link's, else the stored one, else a fresh attendee token. */
export async function acquireToken(eventId: string): Promise<PageToken> {
  const linked = takeTokenFromLink();
  if (linked) {
    store(eventId, linked);
    return new PageToken(eventId, linked);
  }
  return new PageToken(eventId, readStored(eventId) ?? (await joinAndStore(eventId)));
}

/** The token a connection acts with, and how to get another when the server refuses it. */
export interface RenewableToken {
  readonly current: string;
  /** Gets a new token in place of a refused one; false when there is none to be had. */
  renew(): Promise<boolean>;
}

/** A token nothing can renew (the console's sign-in: signing in again is the user's move). */
export function fixedToken(token: string): RenewableToken {
  return { current: token, renew: async () => false };
}

/**
 * The access token a page acts with. Every user (signaling, REST calls, placement) reads `current`, so
 * a renewed token is used everywhere from then on.
 */
export class PageToken implements RenewableToken {
  #current: string;

  constructor(
    readonly eventId: string,
    token: string,
  ) {
    this.#current = token;
  }

  get current(): string {
    return this.#current;
  }

  /**
   * The server refused the token (expired, or signed with a secret it no longer has): forgets it, and
   * gets a new one where the page got it from, the event's public join. A token from a link cannot be
   * renewed here (only whoever handed it out can give a new one): answers false, and the page says so.
   */
  async renew(): Promise<boolean> {
    forgetToken(this.eventId);
    if (!isFromPublicJoin(this.#current)) return false;
    this.#current = await joinAndStore(this.eventId);
    return true;
  }
}
