import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../errors';

export const ROLES = ['attendee', 'speaker', 'moderator', 'host', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: what a verified access token says. */
export interface Principal {
  /** Participant id, stable for the token's life: votes and rate limits hang on it. */
  id: string;
  role: Role;
  eventId: string;
  name: string;
}

const ALGORITHM = 'HS256';
const ISSUER = 'stagecast';

export interface TokenSigner {
  sign(claims: { role: Role; eventId: string; name?: string; id?: string }): string;
  verify(token: string): Principal;
}

export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  return {
    sign({ role, eventId, name, id }) {
      return jwt.sign({ role, event: eventId, name: name ?? role }, secret, {
        algorithm: ALGORITHM,
        expiresIn: ttlSeconds,
        issuer: ISSUER,
        subject: id ?? randomUUID(),
      });
    },
    verify(token) {
      let payload: unknown;
      try {
        // Only HS256 is accepted: `none` and any asymmetric algorithm are refused here.
        payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER });
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new AppError('unauthorized', expired ? 'token expired' : 'invalid token', { cause: error });
      }
      if (typeof payload !== 'object' || payload === null) throw new AppError('unauthorized', 'invalid token');
      const claims = payload as Record<string, unknown>;
      const { sub, role, event, name } = claims;
      if (typeof sub !== 'string' || !isRole(role) || typeof event !== 'string' || typeof name !== 'string') {
        throw new AppError('unauthorized', 'invalid token claims');
      }
      return { id: sub, role, eventId: event, name };
    },
  };
}
