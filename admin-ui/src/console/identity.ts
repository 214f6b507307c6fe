/**
 * Who is using the console: read from the access token's claims. The browser does not verify the
 * signature (it has no secret); the server does on every call, so a forged token only changes which
 * views the console offers, never what the server allows.
 */

export const CONSOLE_ROLES = ['attendee', 'speaker', 'moderator', 'host', 'ops', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export interface Identity {
  token: string;
  role: ConsoleRole;
  eventId: string;
  name: string;
  /** Milliseconds since the epoch; null when the token does not say. */
  expiresAt: number | null;
}

export type ViewName = 'agenda' | 'stage' | 'qa' | 'ops' | 'matchmaking' | 'integrations';

/**
 * Which roles see which view; mirrors the server's permission table (agenda.manage, program.control,
 * question.moderate, health.view, desk.manage, webhook.manage).
 */
const VIEW_ROLES: Record<ViewName, readonly ConsoleRole[]> = {
  agenda: ['host', 'admin'],
  stage: ['host', 'admin'],
  qa: ['moderator', 'host', 'admin'],
  ops: ['ops', 'host', 'admin'],
  matchmaking: ['host', 'admin'],
  integrations: ['admin'],
};

export const VIEW_ORDER: readonly ViewName[] = ['agenda', 'stage', 'qa', 'ops', 'matchmaking', 'integrations'];

export function viewsFor(role: ConsoleRole): ViewName[] {
  return VIEW_ORDER.filter((view) => VIEW_ROLES[view].includes(role));
}

function isRole(value: unknown): value is ConsoleRole {
  return typeof value === 'string' && (CONSOLE_ROLES as readonly string[]).includes(value);
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Why a token is not a usable console token; the page words it in its language (and again after a
 * change of language, which a stored sentence would not follow).
 */
export type TokenProblem =
  | { problem: 'parts' | 'unreadable' | 'noClaims' | 'noRoleOrEvent' | 'expired' }
  | { problem: 'noViews'; role: ConsoleRole }
  /** The server refused the token itself (expired, revoked). */
  | { problem: 'refused' };

/** The identity a token carries, or why it is not a usable console token. */
export function readIdentity(rawToken: string, now: number = Date.now()): Identity | TokenProblem {
  const token = rawToken.trim();
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return { problem: 'parts' };
  let claims: unknown;
  try {
    claims = decodeSegment(parts[1]);
  } catch {
    return { problem: 'unreadable' };
  }
  if (typeof claims !== 'object' || claims === null) return { problem: 'noClaims' };
  const role = 'role' in claims ? claims.role : undefined;
  const eventId = 'event' in claims ? claims.event : undefined;
  const name = 'name' in claims && typeof claims.name === 'string' ? claims.name : '';
  const exp = 'exp' in claims && typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  if (!isRole(role) || typeof eventId !== 'string') return { problem: 'noRoleOrEvent' };
  if (exp !== null && exp <= now) return { problem: 'expired' };
  if (viewsFor(role).length === 0) return { problem: 'noViews', role };
  return { token, role, eventId, name: name || role, expiresAt: exp };
}

export function isTokenProblem(value: Identity | TokenProblem): value is TokenProblem {
  return 'problem' in value;
}

const STORAGE_KEY = 'stagecast.console.token';

/** The token kept for this browser tab (sessionStorage: gone when the tab closes). */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage disabled: the console still works until the tab reloads.
  }
}
