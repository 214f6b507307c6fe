import type { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { HandRecord } from '../store/records';
import type { AgendaService } from './AgendaService';
import type { ConferenceBus, ConferenceEvents } from './ConferenceBus';
import { KeyedLock } from './KeyedLock';
import { RateLimiter } from './RateLimiter';

export type HandAnswer = 'accept' | 'lower';

/** Whoever publishes media on this node, by participant. */
export interface Publishers {
  closeProducersOf(participantId: string): void;
}

/**
 * A hand lowered or revoked takes the right to speak with it: whatever that participant publishes on
 * this node closes. `events` must carry every node's hand changes (a moderator may act through any node).
 */
export function revokeSpeakingWhenHandLowered(events: Pick<EventEmitter<ConferenceEvents>, 'on'>, publishers: Publishers): void {
  events.on('handchanged', (hand) => {
    if (hand.status === 'lowered') publishers.closeProducersOf(hand.participantId);
  });
}

function isOpen(hand: HandRecord): boolean {
  return hand.status === 'raised' || hand.status === 'accepted';
}

/**
 * Raised hands: a remote participant asks to speak; a moderator accepts (the participant may then
 * publish on the session's stage) or lowers it (the right, and any producer, goes).
 */
export class HandsService {
  readonly #limiter: RateLimiter;
  readonly #lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
    private readonly agenda: AgendaService,
    private readonly limits: { raisesPerMinute: number; openHandsPerNetwork: number },
  ) {
    this.#limiter = new RateLimiter(limits.raisesPerMinute, 60_000, 'raised hands');
  }

  /** The open hands of a session, oldest first: the moderators' queue. */
  async queue(eventId: string, sessionId: string): Promise<HandRecord[]> {
    await this.agenda.getSession(eventId, sessionId);
    const hands = await this.store.collection('hands').list(sessionId);
    return hands.filter(isOpen).sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
  }

  /**
   * Raises the caller's hand; raising it again while it is open answers the same hand. Anonymous
   * participants of one network (`source`, networkSource.ts) hold at most `openHandsPerNetwork` open
   * hands in a session together, so re-joining cannot fill the queue.
   */
  async raise(principal: Principal, eventId: string, sessionId: string, source: string): Promise<HandRecord> {
    const session = await this.agenda.getSession(eventId, sessionId);
    if (session.status === 'done') throw new AppError('conflict', 'the session is over');
    if (principal.anonymous && !(await this.agenda.audience(eventId)).anonymousMayRaiseHand)
      throw new AppError('forbidden', 'in this event only invited participants raise hands');
    // Per session, not per participant: the network count must see every raise of the session in order.
    return this.#lock.run(sessionId, async () => {
      const hands = await this.store.collection('hands').list(sessionId);
      const open = hands.find((h) => h.participantId === principal.id && isOpen(h));
      if (open) return open;
      const fromNetwork = hands.filter((h) => h.anonymous === true && h.sourceTag === source && isOpen(h)).length;
      if (principal.anonymous && fromNetwork >= this.limits.openHandsPerNetwork)
        throw new AppError('rate_limited', `${fromNetwork} hands from your network are already raised; wait until one is answered`);
      this.#limiter.hit(principal.id);
      const hand: HandRecord = {
        id: randomUUID(),
        eventId,
        sessionId,
        participantId: principal.id,
        name: principal.name,
        sourceTag: source,
        anonymous: principal.anonymous,
        status: 'raised',
        raisedAt: new Date().toISOString(),
      };
      await this.bus.commit((outbox) => this.store.collection('hands').put(hand, outbox), { event: 'handchanged', payload: hand });
      return hand;
    });
  }

  /** The participant lowers their own hand (and gives up the right to speak if it was accepted). */
  async lowerOwn(principal: Principal, eventId: string, sessionId: string): Promise<HandRecord> {
    await this.agenda.getSession(eventId, sessionId);
    const open = await this.#openHandOf(sessionId, principal.id);
    if (!open) throw new AppError('not_found', 'your hand is not raised');
    return this.#set(open, 'lowered');
  }

  async answer(eventId: string, sessionId: string, handId: string, answer: HandAnswer): Promise<HandRecord> {
    await this.agenda.getSession(eventId, sessionId);
    const hand = await this.store.collection('hands').get(sessionId, handId);
    if (!hand) throw new AppError('not_found', `no hand ${handId}`);
    if (!isOpen(hand)) throw new AppError('conflict', 'the hand is already lowered');
    // Accepting an accepted hand again changes nothing and announces nothing (partners would hear it twice).
    if (answer === 'accept' && hand.status === 'accepted') return hand;
    return this.#set(hand, answer === 'accept' ? 'accepted' : 'lowered');
  }

  /** The participant's own open hand in a session, if any (a page restores its state from it). */
  async ownOpenHand(principal: Principal, eventId: string, sessionId: string): Promise<HandRecord | undefined> {
    await this.agenda.getSession(eventId, sessionId);
    return this.#openHandOf(sessionId, principal.id);
  }

  /** Whether the participant holds an accepted hand in the session live on the stage now. */
  async mayPublish(participantId: string, eventId: string, stageId: string): Promise<boolean> {
    const { current } = await this.agenda.nowAndNext(eventId, stageId);
    if (!current) return false;
    const hand = await this.#openHandOf(current.id, participantId);
    return hand?.status === 'accepted';
  }

  async #openHandOf(sessionId: string, participantId: string): Promise<HandRecord | undefined> {
    const hands = await this.store.collection('hands').list(sessionId);
    return hands.find((h) => h.participantId === participantId && isOpen(h));
  }

  async #set(hand: HandRecord, status: HandRecord['status']): Promise<HandRecord> {
    const updated = { ...hand, status };
    await this.bus.commit((outbox) => this.store.collection('hands').put(updated, outbox), { event: 'handchanged', payload: updated });
    return updated;
  }
}
