import { AppError } from '../server/errors';

/** Caps on what one participant (token subject) and one client address hold in media on this node. */
export interface MediaQuotaLimits {
  /** Stage peers, attached or parked, of one participant. */
  peersPerParticipant: number;
  peersPerIp: number;
  /** Transports over all the peers of one participant (each peer has at most a send and a recv one). */
  transportsPerParticipant: number;
  transportsPerIp: number;
  /** Parked peers (connection dropped, kept for a resume) of one address; a drop beyond is closed, not parked. */
  parkedPerIp: number;
}

/** Who asks: the participant and the address its connection comes from. */
export interface Requester {
  participantId: string;
  ip: string;
}

/** A participant (token subject) or a client address, as the caps count them. */
export type Holder = { participantId: string } | { ip: string };

/** What the quota needs to see of the peers, kept as counts: a cap is checked without scanning peers. */
export interface PeerIndex {
  /** Live peers (attached or parked) and the transports they hold, of a participant or an address. */
  holdings(holder: Holder): { peers: number; transports: number };
  /** Parked peers (connection dropped, kept for a resume) of an address. */
  parkedAt(ip: string): number;
}

/**
 * Counts what participants and addresses hold and refuses what would go beyond a cap with `conflict`
 * (like the per-connection caps: what is held must be released first; waiting alone does not help, so
 * `rate_limited` would mislead a client into retrying). Requests under way are counted as held, so
 * requests arriving all at once cannot overshoot: `reserve…` before the first await, `release` after.
 */
export class MediaQuota {
  readonly #pendingPeers = new Map<string, number>();
  readonly #pendingTransports = new Map<string, number>();

  constructor(
    private readonly peers: PeerIndex,
    readonly limits: MediaQuotaLimits,
  ) {}

  /** Reserves a peer for the requester, or throws `conflict`. Returns what releases the reservation. */
  reservePeer(who: Requester): () => void {
    const participant =
      this.peers.holdings({ participantId: who.participantId }).peers + this.#pending(this.#pendingPeers, participantKey(who));
    if (participant >= this.limits.peersPerParticipant) {
      throw new AppError(
        'conflict',
        `a participant holds at most ${this.limits.peersPerParticipant} stage connections on a node; leave one first`,
      );
    }
    const address = this.peers.holdings({ ip: who.ip }).peers + this.#pending(this.#pendingPeers, addressKey(who));
    if (address >= this.limits.peersPerIp) {
      throw new AppError('conflict', `at most ${this.limits.peersPerIp} stage connections per client address on a node`);
    }
    return this.#reserve(this.#pendingPeers, who);
  }

  /** Reserves a transport for the requester, or throws `conflict`. */
  reserveTransport(who: Requester): () => void {
    const participant =
      this.peers.holdings({ participantId: who.participantId }).transports + this.#pending(this.#pendingTransports, participantKey(who));
    if (participant >= this.limits.transportsPerParticipant) {
      throw new AppError('conflict', `a participant holds at most ${this.limits.transportsPerParticipant} transports on a node`);
    }
    const address = this.peers.holdings({ ip: who.ip }).transports + this.#pending(this.#pendingTransports, addressKey(who));
    if (address >= this.limits.transportsPerIp) {
      throw new AppError('conflict', `at most ${this.limits.transportsPerIp} transports per client address on a node`);
    }
    return this.#reserve(this.#pendingTransports, who);
  }

  /** Whether one more peer of this address may be parked. */
  mayPark(ip: string): boolean {
    return this.peers.parkedAt(ip) < this.limits.parkedPerIp;
  }

  #pending(pending: Map<string, number>, key: string): number {
    return pending.get(key) ?? 0;
  }

  #reserve(pending: Map<string, number>, who: Requester): () => void {
    const keys = [participantKey(who), addressKey(who)];
    for (const key of keys) pending.set(key, this.#pending(pending, key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const left = this.#pending(pending, key) - 1;
        if (left > 0) pending.set(key, left);
        else pending.delete(key);
      }
    };
  }
}

function participantKey(who: Requester): string {
  return `participant:${who.participantId}`;
}

function addressKey(who: Requester): string {
  return `ip:${who.ip}`;
}
