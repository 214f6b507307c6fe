import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

/**
 * The ranges a webhook may never reach unless private targets are allowed: this host, the private
 * networks, link-local (which holds the cloud metadata address 169.254.169.254), and the rest of what
 * ipaddr.js does not call `unicast` (multicast, reserved, unspecified, carrier-grade NAT, 6to4 …).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it maps: judged as that.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Why an address is refused, in words an admin understands. */
export function refusal(host: string, address: string): string {
  return `${host} resolves to ${address}, a private, loopback or link-local address (set ALLOW_PRIVATE_WEBHOOK_TARGETS=true to allow it)`;
}

export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The addresses `host` resolves to, every one of them public; a `bad_request` otherwise. A name with
 * one public and one private address is refused: which one a connection would use is not ours to pick.
 */
export async function resolvePublic(host: string, resolve: Resolve = systemResolve): Promise<string[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(bare) ? [bare] : await resolve(bare);
  } catch (error) {
    throw new AppError('bad_request', `${bare} does not resolve`, { cause: error });
  }
  if (addresses.length === 0) throw new AppError('bad_request', `${bare} does not resolve`);
  for (const address of addresses) if (!isPublicAddress(address)) throw new AppError('bad_request', refusal(bare, address));
  return addresses;
}

/**
 * A `lookup` for http.request that checks the addresses it answers: the connection goes to an address
 * that was checked, so a name that resolves differently a moment later (DNS rebinding) gains nothing.
 */
export function checkedLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolvePublic(hostname, resolve).then(
      (addresses) => {
        const address = addresses[0] ?? '';
        const family = address.includes(':') ? 6 : 4;
        if (options.all === true) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}
