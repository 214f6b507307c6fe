import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type Action, assertCan } from '../auth/permissions';
import type { Principal, TokenSigner } from '../auth/tokens';
import { AppError } from '../errors';

/** The verified caller of a request, set by `requireAction`. */
export function principalOf(res: Response): Principal {
  const principal: unknown = res.locals.principal;
  if (!principal) throw new AppError('unauthorized', 'not authenticated');
  return principal as Principal;
}

function bearerToken(req: Request): string {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new AppError('unauthorized', 'missing bearer token');
  return match[1];
}

/**
 * Authenticates the bearer token and checks the permission table; on routes with an `:eventId`
 * the token must belong to that event.
 */
export function requireAction(signer: TokenSigner, action: Action): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = signer.verify(bearerToken(req));
    const eventId = req.params.eventId;
    if (typeof eventId === 'string' && eventId !== principal.eventId) {
      throw new AppError('forbidden', 'token is for another event');
    }
    assertCan(principal, action);
    res.locals.principal = principal;
    next();
  };
}
