import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { TokenSigner } from '../auth/tokens';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { validateDto } from '../validation';
import { EventParams } from './params';

class JoinBody {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(80) name?: string;
}

/**
 * `POST /api/events/:eventId/join`: anyone with the link of a public event gets an attendee token.
 * Private events admit only tokens minted by their admins. Rate limited per client IP.
 */
export function joinRoutes(deps: { signer: TokenSigner; events: EventDirectory; perMinute: number }): Router {
  const router = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'too many joins from this address; retry in a minute')),
  });
  router.post('/api/events/:eventId/join', limiter, async (req, res) => {
    const { eventId } = await validateDto(EventParams, { ...req.params });
    const body = await validateDto(JoinBody, req.body ?? {});
    const event = await deps.events.event(eventId);
    if (!event) throw new AppError('not_found', `no event ${eventId}`);
    if (!event.isPublic) throw new AppError('forbidden', 'this event is private: use the access link you were given');
    const name = body.name?.trim() || 'Guest';
    const token = deps.signer.sign({ role: 'attendee', eventId: event.id, name });
    const { id } = deps.signer.verify(token);
    res.status(201).json({ token, participantId: id, role: 'attendee', eventId: event.id });
  });
  return router;
}
