import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Whether the hop at `address`, `hop` steps from this server (0 = the TCP peer), is a proxy we trust. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Compiles `TRUST_PROXY`: `off` (the TCP peer is the client), a hop count (that many proxies in front
 * of the node, whatever their address), or a comma-separated list of proxy addresses, CIDRs and
 * proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`). One function serves express (`req.ip`,
 * so the REST rate limits) and the Socket.IO handshake, so both see the same client. Throws on a list
 * entry that is not an address.
 */
export function compileProxyTrust(setting: string): ProxyTrust {
  const value = setting.trim();
  if (value === 'off') return () => false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  // ipaddr.js reads a bare number as an IPv4 address ("0" is 0.0.0.0): in a list it is a mistyped hop count.
  if (entries.some((entry) => /^\d+$/.test(entry))) throw new Error(`not a proxy address: ${value}`);
  return proxyAddr.compile(entries);
}

/** What a client-address decision reads: the request's headers and its TCP peer. */
export interface RequestOrigin {
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

/**
 * The client address of a request under `trust`: the TCP peer, or the first address in
 * `X-Forwarded-For` (walking back from the peer) that is not a trusted proxy. Takes the headers and
 * peer rather than the live request: a Socket.IO handshake keeps them after its first HTTP request's
 * TCP connection may be gone. An IPv4 client on a dual-stack listener shows as ::ffff:a.b.c.d; it
 * counts as a.b.c.d.
 */
export function clientAddress(origin: RequestOrigin, trust: ProxyTrust): string {
  // proxy-addr reads only `headers` and `socket.remoteAddress` of the request.
  const request = { headers: origin.headers, socket: { remoteAddress: origin.remoteAddress } } as unknown as IncomingMessage;
  const address = proxyAddr(request, trust);
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
