import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../../server/auth/tokens';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * Tokens a server signing with `secret` must refuse, each with what is wrong with it. `genuine` is a
 * valid token of that server (its header and signature are reused by the tampered one).
 */
export function forgedTokens(secret: string, genuine: string, claims: { role?: Role; eventId?: string } = {}): [string, string][] {
  const body = { role: claims.role ?? 'admin', event: claims.eventId ?? 'demo', name: 'Mallory', sub: randomUUID(), iss: 'stagecast' };
  const [header, , signature] = genuine.split('.');
  return [
    ['expired', jwt.sign({ ...body, iat: now() - 120, exp: now() - 60 }, secret, { algorithm: 'HS256' })],
    ['tampered (payload swapped, signature kept)', `${header}.${base64url({ ...body, exp: now() + 600 })}.${signature}`],
    ['alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...body, exp: now() + 600 })}.`],
    ['signed with another secret', jwt.sign({ ...body, exp: now() + 600 }, 'z'.repeat(48), { algorithm: 'HS256' })],
    ['signed with HS512', jwt.sign({ ...body, exp: now() + 600 }, secret, { algorithm: 'HS512' })],
    ['another issuer', jwt.sign({ ...body, iss: 'someone-else', exp: now() + 600 }, secret, { algorithm: 'HS256' })],
    ['an unknown role', jwt.sign({ ...body, role: 'root', exp: now() + 600 }, secret, { algorithm: 'HS256' })],
    [
      'no event claim',
      jwt.sign({ role: body.role, name: body.name, sub: body.sub, iss: body.iss, exp: now() + 600 }, secret, { algorithm: 'HS256' }),
    ],
    ['an event claim that is not a string', jwt.sign({ ...body, event: ['demo'], exp: now() + 600 }, secret, { algorithm: 'HS256' })],
    ['not a JWT', 'not.a.jwt'],
    ['empty', ''],
    ['huge', `${'a'.repeat(6000)}.${'b'.repeat(6000)}.c`],
  ];
}
