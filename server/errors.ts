/**
 * The one error taxonomy of stagecast. Domain code throws AppError; the edges map it once:
 * HTTP status for REST (server/http/errors.ts), `{ ok: false, error }` for socket acks.
 * Anything that is not an AppError is logged and answered as `internal`.
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'payload_too_large',
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

/** The client-facing body for any thrown value; unknown errors never leak their message. */
export function toErrorBody(error: unknown): ErrorBody {
  return isAppError(error) ? error.toBody() : { code: 'internal', message: 'internal error' };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
