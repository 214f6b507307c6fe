import type { Principal, Role } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { RevokedTokenRecord } from '../store/records';
import type { ConferenceBus } from './ConferenceBus';

/**
 * Roles whose tokens are checked against the revocation list: those that can change what an event
 * shows or does (publish, moderate, run the programme, see ops, administer). Attendee tokens are not
 * looked up: they are anonymous, short-lived (TOKEN_TTL_SECONDS) and the most numerous, so every join
 * and every request of the audience stays free of a store read.
 */
export const REVOCABLE_ROLES: readonly Role[] = ['speaker', 'moderator', 'host', 'ops', 'admin', 'delegate', 'interpreter'];

function revocable(role: Role): boolean {
  return REVOCABLE_ROLES.includes(role);
}

/**
 * The list of revoked tokens, in the store (so every node of a cluster reads the same list): checked
 * on every REST request and socket handshake of a revocable role, one keyed read each. A revocation is
 * announced on the bus; the cluster relays it, and every node closes the connections of that token.
 */
export class TokenRevocations {
  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
  ) {}

  /** Throws `unauthorized` when the principal's token was revoked. */
  async assertNotRevoked(principal: Principal): Promise<void> {
    if (!revocable(principal.role)) return;
    const record = await this.store.collection('revokedTokens').get(principal.eventId, principal.tokenId);
    if (record) throw new AppError('unauthorized', 'token revoked');
  }

  /** Revokes the token `revoked` (verified by the caller) on behalf of the admin `by`, of the same event. */
  async revoke(revoked: Principal, by: Principal): Promise<RevokedTokenRecord> {
    if (revoked.eventId !== by.eventId) throw new AppError('forbidden', 'a token of another event');
    if (!revocable(revoked.role)) {
      throw new AppError('bad_request', `${revoked.role} tokens are not checked for revocation: they expire after TOKEN_TTL_SECONDS`);
    }
    const record: RevokedTokenRecord = {
      id: revoked.tokenId,
      eventId: revoked.eventId,
      participantId: revoked.id,
      role: revoked.role,
      expiresAt: new Date(revoked.expiresAtMs).toISOString(),
      revokedAt: new Date().toISOString(),
      revokedBy: by.id,
    };
    // A second revocation of the same token keeps the first record (and its author).
    const stored = (await this.store.collection('revokedTokens').insert(record))
      ? record
      : ((await this.store.collection('revokedTokens').get(record.eventId, record.id)) ?? record);
    this.bus.emit('tokenrevoked', { eventId: record.eventId, tokenId: record.id });
    return stored;
  }
}
