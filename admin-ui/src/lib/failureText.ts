import { isFatal } from './StageConnection';
import { RequestError } from './signaling';
import { TokenError } from './token';

/** The error code a failure carries (server, token or handshake refusal), if any. */
export function failureCode(error: Error): string | undefined {
  if (error instanceof RequestError || error instanceof TokenError) return error.code;
  if (
    'data' in error &&
    typeof error.data === 'object' &&
    error.data !== null &&
    'code' in error.data &&
    typeof error.data.code === 'string'
  ) {
    return error.data.code;
  }
  return undefined;
}

/** A sentence for the person in front of the page: what went wrong and what they can do. */
export function failureText(error: Error): string {
  switch (failureCode(error)) {
    case 'unauthorized':
      return 'Your access link has expired or was withdrawn: ask whoever gave it to you for a new one.';
    case 'forbidden':
      return 'You are not allowed on this stage.';
    case 'not_found':
      // Asked without a link, the public join answers a private event as it answers an unknown one.
      return error instanceof TokenError
        ? 'This event does not exist or is not open to the public: open it with the access link you were given.'
        : 'This event or stage does not exist.';
    case 'rate_limited':
      return 'Too many people are joining from your network right now. Try again in a minute.';
    default:
      return isFatal(error) ? `Cannot continue: ${error.message}` : `Something went wrong: ${error.message}`;
  }
}

/** Whether the token the page used should be dropped (so a reload asks for a new one). */
export function isTokenRefused(error: Error): boolean {
  return failureCode(error) === 'unauthorized';
}
