import type { TokenSigner } from '../../auth/tokens';
import type { TokenRevocations } from '../../conference/TokenRevocations';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import { RevokeTokenDto } from '../dto/tokens';
import { EventParams } from '../params';

/** Revocation of issued tokens (a leaked host or admin token, someone who left the team). */
export function registerTokenRoutes(api: ApiRegistry, deps: { signer: TokenSigner; revocations: TokenRevocations }): void {
  api.add({
    method: 'post',
    path: '/api/events/:eventId/tokens/revocations',
    operationId: 'revokeToken',
    summary:
      'Revoke an issued speaker, moderator, host, ops or admin token of the event: refused from then on (REST and sockets), its open connections closed on every node',
    tag: 'auth',
    access: 'token.revoke',
    params: EventParams,
    body: RevokeTokenDto,
    status: 201,
    handler: async ({ params, body, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      // Only a token this deployment signed (and not yet expired) is worth a record.
      const revoked = deps.signer.verify(body.token);
      if (revoked.eventId !== params.eventId) throw new AppError('bad_request', 'the token is of another event');
      const record = await deps.revocations.revoke(revoked, principal);
      return {
        tokenId: record.id,
        participantId: record.participantId,
        role: record.role,
        expiresAt: record.expiresAt,
        revokedAt: record.revokedAt,
      };
    },
  });
}
