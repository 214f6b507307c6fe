import type { Logger } from 'pino';
import { MediaError } from '../media/types';
import { AppError, type ErrorBody, isAppError } from '../server/errors';

/**
 * Maps anything a handler throws to the ack's error body. The taxonomy is the server's; media errors
 * carry their own code, and mediasoup's TypeErrors mean the client sent parameters it rejects.
 */
export function toAckError(error: unknown, logger: Logger, event: string): ErrorBody {
  if (isAppError(error)) return error.toBody();
  if (error instanceof MediaError) return new AppError(error.code, error.message).toBody();
  if (error instanceof TypeError) return { code: 'bad_request', message: error.message.slice(0, 200) };
  logger.error({ err: error, event }, 'request failed');
  return { code: 'internal', message: 'internal error' };
}
