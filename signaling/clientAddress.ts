import type { ParticipantSocket } from './socketTypes';

/**
 * The client address a connection's caps are counted against. Today: the TCP peer of the handshake
 * (no proxy is trusted). The one place to change when a trusted proxy's forwarded address is used.
 */
export function clientAddressOf(socket: ParticipantSocket): string {
  const address = socket.handshake.address;
  // An IPv4 client on a dual-stack listener shows as ::ffff:a.b.c.d; count it as a.b.c.d.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
