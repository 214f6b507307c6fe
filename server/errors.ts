import { MediaError } from '../media/types';

/**
 * The one error taxonomy of stagecast. Domain code throws AppError, the media layer MediaError (a
 * subset of the same codes); `toErrorAnswer` turns anything thrown into the answer every edge sends:
 * the HTTP status for REST, `{ ok: false, error }` for socket acks and node-to-node replies. Anything
 * that is not ours is logged by the edge and answered as `internal`, without its message.
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'payload_too_large',
  'method_not_allowed',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Extra, client-safe detail: field errors, the conflicting record… */
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  method_not_allowed: 405,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

export interface ErrorAnswer {
  body: ErrorBody;
  status: number;
  /** Not one of ours: the edge logs it (with its stack); the client only learns `internal`. */
  unexpected: boolean;
}

/** The answer for anything thrown, wherever it was thrown and whichever edge answers. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  const body = knownErrorBody(error);
  if (body) return { body, status: httpStatusOf(body.code), unexpected: false };
  return { body: { code: 'internal', message: 'internal error' }, status: 500, unexpected: true };
}

function knownErrorBody(error: unknown): ErrorBody | undefined {
  if (isAppError(error)) return error.toBody();
  if (error instanceof MediaError) return { code: error.code, message: error.message };
  // mediasoup checks the RTP, DTLS and ICE parameters a client sends by throwing TypeError: the
  // client's fault. Our own code validates everything it passes, so a TypeError reaching an edge
  // from elsewhere is rare; it is still a refusal, never a crash.
  if (error instanceof TypeError) return { code: 'bad_request', message: error.message.slice(0, 200) };
  return undefined;
}
