import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../errors';
import { LANGUAGE_TAG } from '../validation';

export const ROLES = ['attendee', 'speaker', 'moderator', 'host', 'ops', 'admin', 'delegate', 'interpreter'] as const;
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
  /** The token's own id (`jti`): what a revocation names. */
  tokenId: string;
  /** When the token expires (ms since the epoch): a revocation need not outlive it. */
  expiresAtMs: number;
  /** A speaker token's stage (`stg`): the one stage it may publish on. Absent: every stage of the event. */
  stageId?: string;
  /** An interpreter token's language channel (`lng`): the one booth it publishes into, on its stage (`stg`). */
  language?: string;
  /**
   * Issued by the public join link (`anon`) to whoever asked, rather than to a person a host or admin
   * invited: the event's audience policy and the per-network vote budget apply to it.
   */
  anonymous: boolean;
}

const ALGORITHM = 'HS256';
const ISSUER = 'stagecast';

export interface TokenSigner {
  sign(claims: {
    role: Role;
    eventId: string;
    name?: string;
    id?: string;
    stageId?: string;
    language?: string;
    anonymous?: boolean;
  }): string;
  verify(token: string): Principal;
}

/**
 * The secret as a key object, made once: given a string, jsonwebtoken first tries to read it as a public
 * key on every call and builds the secret key from the exception, which cost a join more CPU than
 * the rest of its authentication.
 */
export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret));
}

/** The longest lifetime a token may have unless told otherwise (TOKEN_MAX_TTL_SECONDS's default). */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Signs tokens that live `ttlSeconds`, and verifies tokens: HS256 only, our issuer, an `exp`, a `jti`,
 * and a lifetime (`exp - iat`) of at most `maxTtlSeconds`, whoever signed them with the secret (a
 * hand-made token without expiry or for ten years is refused, not trusted forever).
 */
export function createTokenSigner(secret: string, ttlSeconds: number, maxTtlSeconds = DEFAULT_MAX_TOKEN_TTL_SECONDS): TokenSigner {
  if (ttlSeconds > maxTtlSeconds) throw new RangeError(`a token lifetime of ${ttlSeconds} s is beyond the cap of ${maxTtlSeconds} s`);
  const key = signingKey(secret);
  return {
    sign({ role, eventId, name, id, stageId, language, anonymous }) {
      const scope = {
        ...(stageId === undefined ? {} : { stg: stageId }),
        ...(language === undefined ? {} : { lng: language }),
        ...(anonymous === true ? { anon: true } : {}),
      };
      return jwt.sign({ role, event: eventId, name: name ?? role, ...scope }, key, {
        algorithm: ALGORITHM,
        expiresIn: ttlSeconds,
        issuer: ISSUER,
        subject: id ?? randomUUID(),
        jwtid: randomUUID(),
      });
    },
    verify(token) {
      let payload: unknown;
      try {
        // Only HS256 is accepted: `none` and any asymmetric algorithm are refused here.
        payload = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER });
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new AppError('unauthorized', expired ? 'token expired' : 'invalid token', { cause: error });
      }
      if (typeof payload !== 'object' || payload === null) throw new AppError('unauthorized', 'invalid token');
      const claims = payload as Record<string, unknown>;
      const { sub, role, event, name, exp, iat, jti, stg, lng, anon } = claims;
      if (typeof sub !== 'string' || !isRole(role) || typeof event !== 'string' || typeof name !== 'string') {
        throw new AppError('unauthorized', 'invalid token claims');
      }
      if (typeof exp !== 'number') throw new AppError('unauthorized', 'token without expiry (exp)');
      if (typeof iat !== 'number' || exp - iat > maxTtlSeconds)
        throw new AppError('unauthorized', `token lifetime beyond ${maxTtlSeconds} s`);
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > 128) throw new AppError('unauthorized', 'token without id (jti)');
      if ((stg !== undefined && typeof stg !== 'string') || (anon !== undefined && anon !== true))
        throw new AppError('unauthorized', 'invalid token claims');
      if (lng !== undefined && (typeof lng !== 'string' || !LANGUAGE_TAG.test(lng)))
        throw new AppError('unauthorized', 'invalid token claims');
      // An interpreter works in one booth: a token that does not say which is refused, never taken as "any".
      if (role === 'interpreter' && (stg === undefined || lng === undefined))
        throw new AppError('unauthorized', 'an interpreter token names its stage and language');
      const principal = { id: sub, role, eventId: event, name, tokenId: jti, expiresAtMs: exp * 1000, anonymous: anon === true };
      return { ...principal, ...(stg === undefined ? {} : { stageId: stg }), ...(typeof lng === 'string' ? { language: lng } : {}) };
    },
  };
}
