import { createHmac } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * The network a client address stands for: an IPv4 address, or an IPv6 /64 (what one subscriber is
 * given: a host picks whichever address in it it likes, so counting single IPv6 addresses would count nothing).
 * An IPv4-mapped IPv6 address is its IPv4 address. Anything unparsable stands for itself.
 */
export function networkOf(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const hextets = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${hextets.join(':')}::/64`;
}

/** Turns a client address into the tag its network's votes, questions and hands are counted under. */
export type SourceTagger = (address: string) => string;

/**
 * Tags are keyed hashes of the network, so a moderator can see that two questions came from one place
 * without the store or the console ever holding an address. Every node of a deployment derives the
 * same key from the shared secret, so a network has one tag on all of them.
 */
export function sourceTagger(secret: string): SourceTagger {
  const key = createHmac('sha256', secret).update('stagecast network source tags').digest();
  return (address) => createHmac('sha256', key).update(networkOf(address)).digest('base64url').slice(0, 10);
}
