import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MediaPeer } from '../media/MediaPeer';
import type { Principal } from '../server/auth/tokens';
import { stageKey } from '../server/stageKey';
import { stageRoom } from './rooms';
import type { ParticipantSocket, StagePeer } from './socketTypes';

function roomOf(peer: StagePeer): string {
  return stageRoom(peer.stageKey);
}

/**
 * The participants joined to stages on this node. A peer outlives a dropped connection for the grace
 * period, so a viewer whose network blinks keeps its transports and consumers and resumes on a new socket.
 */
export class StagePeers {
  readonly #peers = new Map<string, StagePeer>();

  constructor(
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

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

  create(principal: Principal, stageId: string, media: MediaPeer, socket: ParticipantSocket): StagePeer {
    const peer: StagePeer = {
      peerId: randomUUID(),
      principal,
      stageId,
      stageKey: stageKey(principal.eventId, stageId),
      media,
      socket: null,
      graceTimer: null,
    };
    this.#peers.set(peer.peerId, peer);
    media.on('consumerclosed', (event) => peer.socket?.emit('consumerClosed', event));
    media.on('consumerlayerschange', (event) => peer.socket?.emit('consumerLayersChanged', event));
    media.on('producerclosed', (event) => peer.socket?.emit('producerClosed', event));
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
  }

  /** The connection dropped: keep the media for the grace period, then close it. */
  park(peer: StagePeer, socket: ParticipantSocket): void {
    if (peer.socket !== socket) return;
    peer.socket = null;
    peer.graceTimer = setTimeout(() => {
      this.logger.info({ peer: peer.peerId }, 'reconnect grace expired; closing peer');
      this.close(peer);
    }, this.graceMs);
    peer.graceTimer.unref();
  }

  close(peer: StagePeer): void {
    if (!this.#peers.delete(peer.peerId)) return;
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
    return [...this.#peers.values()].filter((p) => p.principal.id === participantId);
  }

  /** Closes what a participant publishes here, in every tab (the right to speak was taken). */
  closeProducersOf(participantId: string): void {
    for (const peer of this.ofParticipant(participantId)) peer.media.closeAllProducers();
  }

  closeAll(): void {
    for (const peer of [...this.#peers.values()]) this.close(peer);
  }
}
