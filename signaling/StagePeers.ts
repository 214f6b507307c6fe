import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MediaPeer } from '../media/MediaPeer';
import type { Principal } from '../server/auth/tokens';
import type { MeetingRoomPass } from '../server/desk/MeetingRooms';
import { stageKey } from '../server/stageKey';
import { type Holder, MediaQuota, type MediaQuotaLimits, type PeerIndex } from './MediaQuota';
import { stageRoom } from './rooms';
import type { ParticipantSocket, StagePeer } from './socketTypes';

function roomOf(peer: StagePeer): string {
  return stageRoom(peer.stageKey);
}

/** What one participant or one address holds here: its peers, and the transports they have open. */
interface Holdings {
  peers: Set<StagePeer>;
  transports: number;
}

function addTo(index: Map<string, Holdings>, key: string, peer: StagePeer): void {
  const holdings = index.get(key) ?? { peers: new Set<StagePeer>(), transports: 0 };
  holdings.peers.add(peer);
  holdings.transports += peer.media.transportCount;
  index.set(key, holdings);
}

function removeFrom(index: Map<string, Holdings>, key: string, peer: StagePeer): void {
  const holdings = index.get(key);
  if (!holdings?.peers.delete(peer)) return;
  holdings.transports -= peer.media.transportCount;
  if (holdings.peers.size === 0) index.delete(key);
}

/**
 * The participants joined to stages on this node. A peer outlives a dropped connection for the grace
 * period, so a viewer whose network blinks keeps its transports and consumers and resumes on a new socket.
 * Peers are indexed by participant and by client address, which the media caps (`quota`) count.
 */
export class StagePeers implements PeerIndex {
  readonly #peers = new Map<string, StagePeer>();
  readonly #byParticipant = new Map<string, Holdings>();
  readonly #byAddress = new Map<string, Holdings>();
  readonly quota: MediaQuota;

  constructor(
    private readonly graceMs: number,
    limits: MediaQuotaLimits,
    private readonly logger: Logger,
  ) {
    this.quota = new MediaQuota(this, limits);
  }

  get size(): number {
    return this.#peers.size;
  }

  /** Every live peer (attached or parked). */
  all(): StagePeer[] {
    return [...this.#peers.values()];
  }

  get(peerId: string): StagePeer | undefined {
    return this.#peers.get(peerId);
  }

  create(
    principal: Principal,
    stageId: string,
    media: MediaPeer,
    socket: ParticipantSocket,
    meetingRoom: MeetingRoomPass | null = null,
  ): StagePeer {
    const peer: StagePeer = {
      peerId: randomUUID(),
      principal,
      stageId,
      stageKey: stageKey(principal.eventId, stageId),
      media,
      socket: null,
      clientIp: socket.data.clientIp,
      graceTimer: null,
      meetingRoom,
    };
    this.#peers.set(peer.peerId, peer);
    addTo(this.#byParticipant, principal.id, peer);
    addTo(this.#byAddress, peer.clientIp, peer);
    media.on('consumerclosed', (event) => peer.socket?.emit('consumerClosed', event));
    media.on('consumerlayerschange', (event) => peer.socket?.emit('consumerLayersChanged', event));
    media.on('producerclosed', (event) => peer.socket?.emit('producerClosed', event));
    media.on('transportcount', (delta) => {
      if (this.#peers.get(peer.peerId) !== peer) return;
      for (const holdings of [this.#byParticipant.get(principal.id), this.#byAddress.get(peer.clientIp)]) {
        if (holdings) holdings.transports += delta;
      }
    });
    // Media closed by the SFU itself (its stage closed, its worker died), not through this class: the
    // client is told to join again, which builds its media afresh on what is alive.
    media.once('@close', () => {
      if (this.#peers.get(peer.peerId) !== peer) return;
      this.logger.warn({ peer: peer.peerId, stage: peer.stageKey }, 'media lost; asking the client to join again');
      peer.socket?.emit('mediaLost', { stageId: peer.stageId });
      this.close(peer);
    });
    this.attach(peer, socket);
    return peer;
  }

  /** Binds the peer to a (new) socket: it receives the peer's events and its stage's room. */
  attach(peer: StagePeer, socket: ParticipantSocket): void {
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    const previous = peer.socket;
    if (previous && previous !== socket) {
      previous.data.peer = null;
      void previous.leave(roomOf(peer));
    }
    peer.socket = socket;
    socket.data.peer = peer;
    void socket.join(roomOf(peer));
    if (peer.clientIp !== socket.data.clientIp) {
      removeFrom(this.#byAddress, peer.clientIp, peer);
      peer.clientIp = socket.data.clientIp;
      addTo(this.#byAddress, peer.clientIp, peer);
    }
  }

  /**
   * The connection dropped: keep the media for the grace period, then close it. An address already
   * holding its cap of parked peers gets this one closed at once: parked media costs ports without
   * holding a connection, so it is the cheap way to fill a node.
   */
  park(peer: StagePeer, socket: ParticipantSocket): void {
    if (peer.socket !== socket) return;
    if (!this.quota.mayPark(peer.clientIp)) {
      this.logger.info({ peer: peer.peerId, ip: peer.clientIp }, 'parked-peer cap of the address reached; closing instead of parking');
      this.close(peer);
      return;
    }
    peer.socket = null;
    peer.graceTimer = setTimeout(() => {
      this.logger.info({ peer: peer.peerId }, 'reconnect grace expired; closing peer');
      this.close(peer);
    }, this.graceMs);
    peer.graceTimer.unref();
  }

  close(peer: StagePeer): void {
    if (!this.#peers.delete(peer.peerId)) return;
    removeFrom(this.#byParticipant, peer.principal.id, peer);
    removeFrom(this.#byAddress, peer.clientIp, peer);
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    const socket = peer.socket;
    peer.socket = null;
    if (socket) {
      socket.data.peer = null;
      void socket.leave(roomOf(peer));
    }
    peer.media.close();
  }

  /** The live peers of one participant (several tabs, say). */
  ofParticipant(participantId: string): StagePeer[] {
    return [...(this.#byParticipant.get(participantId)?.peers ?? [])];
  }

  holdings(holder: Holder): { peers: number; transports: number } {
    const holdings = 'participantId' in holder ? this.#byParticipant.get(holder.participantId) : this.#byAddress.get(holder.ip);
    return { peers: holdings?.peers.size ?? 0, transports: holdings?.transports ?? 0 };
  }

  parkedAt(ip: string): number {
    let parked = 0;
    for (const peer of this.#byAddress.get(ip)?.peers ?? []) if (peer.socket === null) parked += 1;
    return parked;
  }

  /**
   * A participant joining again while a peer of theirs is parked replaces it instead of adding one
   * (a page that reloaded, a client that never resumes): the oldest parked peer on the same stage,
   * else, when the participant is at its cap, the oldest parked one elsewhere.
   */
  replaceParked(participantId: string, stageId: string): void {
    const parked = this.ofParticipant(participantId).filter((peer) => peer.socket === null);
    const replaced =
      parked.find((peer) => peer.stageId === stageId) ??
      (this.ofParticipant(participantId).length >= this.quota.limits.peersPerParticipant ? parked[0] : undefined);
    if (!replaced) return;
    this.logger.debug({ peer: replaced.peerId, participant: participantId }, 'join replaces a parked peer');
    this.close(replaced);
  }

  /** Closes what a participant publishes here, in every tab (the right to speak was taken). */
  closeProducersOf(participantId: string): void {
    for (const peer of this.ofParticipant(participantId)) peer.media.closeAllProducers();
  }

  closeAll(): void {
    for (const peer of [...this.#peers.values()]) this.close(peer);
  }
}
