import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode, isAppError } from '../errors';
import type { Logger } from '../logger';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** body-parser reports its failures as errors carrying a `type`; they are the client's fault. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'request body too large');
    case 'entity.parse.failed':
      return new AppError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('bad_request', 'unsupported body encoding');
    default:
      return undefined;
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.baseUrl}${req.path}`));
};

/** The single place REST errors become responses: `{ error: { code, message } }`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = isAppError(error) ? error : fromBodyParser(error);
    if (!appError) {
      logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    }
    const body = appError ? appError.toBody() : { code: 'internal' as const, message: 'internal error' };
    res.status(httpStatusOf(body.code)).json({ error: body });
  };
}
