import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError, toErrorAnswer } from '../errors';
import type { Logger } from '../logger';

/** body-parser reports its failures as errors carrying a `type`; they are the client's fault. */
function fromBodyParser(error: object): AppError | undefined {
  if (!('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'request body too large');
    case 'entity.parse.failed':
      return new AppError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('bad_request', 'unsupported body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('bad_request', 'request body could not be read');
    default:
      return undefined;
  }
}

/**
 * Errors express and its parsers raise for a bad request (a path that is not valid percent-encoding,
 * a body that is not the gzip it claims to be…) carry a 4xx `status`. They are the client's fault:
 * refused as such, never reported as `internal`.
 */
function fromClientError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const parsed = fromBodyParser(error);
  if (parsed) return parsed;
  const status = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 413) return new AppError('payload_too_large', 'request too large');
  if (error instanceof URIError) return new AppError('bad_request', 'the request path is not valid percent-encoded UTF-8');
  return new AppError('bad_request', 'malformed request');
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.baseUrl}${req.path}`));
};

/** REST's edge: every error becomes `{ error: { code, message } }` with the taxonomy's status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { body, status, unexpected } = toErrorAnswer(isAppError(error) ? error : (fromClientError(error) ?? error));
    if (unexpected) logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(status).json({ error: body });
  };
}
