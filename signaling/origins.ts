import type { IncomingMessage } from 'node:http';

/**
 * Whether a Socket.IO connection may be opened from where it comes. Browsers always send `Origin` on
 * a cross-origin request, WebSocket upgrades included, and socket.io's `cors` option only governs
 * polling (WebSocket upgrades pass unchecked), so the check happens here for every transport:
 * - no Origin header: not a browser (encoders, ops scripts, the Node client) — allowed;
 * - the server's own origin (same scheme-less host as the request was sent to) — allowed;
 * - one of ALLOWED_ORIGINS — allowed; anything else, `null` included, is refused.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowedOrigins.includes(origin);
}
