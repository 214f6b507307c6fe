import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MediaPeer } from '../media/MediaPeer';
import type { Principal } from '../server/auth/tokens';
import { stageRoom } from './rooms';
import type { StageSocket } from './SignalingServer';

export interface PeerSession {
  readonly peerId: string;
  readonly principal: Principal;
  readonly stageId: string;
  /** `eventId/stageId`: the media layer's name of the stage. */
  readonly stageKey: string;
  readonly media: MediaPeer;
  /** The connection it talks through now; null while parked after a drop. */
  socket: StageSocket | null;
  graceTimer: NodeJS.Timeout | null;
}

function roomOf(session: PeerSession): string {
  return stageRoom(session.stageKey);
}

/**
 * The joined participants of this node. A session outlives a dropped connection for the grace period,
 * so a viewer whose network blinks keeps its transports and consumers and resumes on a new socket.
 */
export class PeerSessions {
  readonly #sessions = new Map<string, PeerSession>();

  constructor(
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /** Every live session (attached or parked). */
  all(): PeerSession[] {
    return [...this.#sessions.values()];
  }

  get(peerId: string): PeerSession | undefined {
    return this.#sessions.get(peerId);
  }

  create(principal: Principal, stageId: string, media: MediaPeer, socket: StageSocket): PeerSession {
    const stageKey = `${principal.eventId}/${stageId}`;
    const session: PeerSession = { peerId: randomUUID(), principal, stageId, stageKey, media, socket: null, graceTimer: null };
    this.#sessions.set(session.peerId, session);
    media.on('consumerclosed', (event) => session.socket?.emit('consumerClosed', event));
    media.on('consumerlayerschange', (event) => session.socket?.emit('consumerLayersChanged', event));
    media.on('producerclosed', (event) => session.socket?.emit('producerClosed', event));
    // Media closed by the SFU itself (its stage closed, its worker died), not through this class: the
    // client is told to join again, which builds its media afresh on what is alive.
    media.once('@close', () => {
      if (this.#sessions.get(session.peerId) !== session) return;
      this.logger.warn({ peer: session.peerId, stage: session.stageKey }, 'media lost; asking the client to join again');
      session.socket?.emit('mediaLost', { stageId: session.stageId });
      this.close(session);
    });
    this.attach(session, socket);
    return session;
  }

  /** Binds the session to a (new) socket: it receives the session's events and its stage's room. */
  attach(session: PeerSession, socket: StageSocket): void {
    if (session.graceTimer) clearTimeout(session.graceTimer);
    session.graceTimer = null;
    const previous = session.socket;
    if (previous && previous !== socket) {
      previous.data.session = null;
      previous.leave(roomOf(session));
    }
    session.socket = socket;
    socket.data.session = session;
    void socket.join(roomOf(session));
  }

  /** The connection dropped: keep the media for the grace period, then close it. */
  park(session: PeerSession, socket: StageSocket): void {
    if (session.socket !== socket) return;
    session.socket = null;
    session.graceTimer = setTimeout(() => {
      this.logger.info({ peer: session.peerId }, 'reconnect grace expired; closing peer');
      this.close(session);
    }, this.graceMs);
    session.graceTimer.unref();
  }

  close(session: PeerSession): void {
    if (!this.#sessions.delete(session.peerId)) return;
    if (session.graceTimer) clearTimeout(session.graceTimer);
    session.graceTimer = null;
    const socket = session.socket;
    session.socket = null;
    if (socket) {
      socket.data.session = null;
      socket.leave(roomOf(session));
    }
    session.media.close();
  }

  /** The live sessions of one participant (several tabs, say). */
  ofParticipant(participantId: string): PeerSession[] {
    return [...this.#sessions.values()].filter((s) => s.principal.id === participantId);
  }

  closeAll(): void {
    for (const session of [...this.#sessions.values()]) this.close(session);
  }
}
