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

/** The token this page acts with: the link's, else the stored one, else a fresh attendee token. */
export async function acquireToken(eventId: string): Promise<string> {
  const linked = takeTokenFromLink();
  if (linked) {
    store(eventId, linked);
    return linked;
  }
  const stored = readStored(eventId);
  if (stored) return stored;
  const name = new URL(window.location.href).searchParams.get('name')?.trim().slice(0, 80) || null;
  const joined = await joinAsAttendee(eventId, name);
  store(eventId, joined);
  return joined;
}
