import { clientAddress, type ProxyTrust } from '../server/proxyTrust';
import type { ParticipantSocket } from './socketTypes';

/**
 * The client address a connection's caps are counted against: the handshake's TCP peer, or under
 * `TRUST_PROXY` the client a trusted proxy names in `X-Forwarded-For` — the same rule, and the same
 * function, as express's `req.ip` for the REST rate limits.
 */
export function clientAddressOf(socket: ParticipantSocket, trust: ProxyTrust): string {
  const { headers, address } = socket.handshake;
  return clientAddress({ headers, remoteAddress: address }, trust);
}
