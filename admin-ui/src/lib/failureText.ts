import { isFatal } from './StageConnection';
import { RequestError } from './signaling';
import { TokenError } from './token';
import { common } from '../i18n/messages/common';

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

/**
 * A sentence for the person in front of the page, in the page's language: what went wrong and what they
 * can do. Failures without a known code keep the server's own words after a translated lead-in.
 */
export function failureText(error: Error): string {
  switch (failureCode(error)) {
    case 'unauthorized':
      return common.t('failure.unauthorized');
    case 'forbidden':
      return common.t('failure.forbidden');
    case 'not_found':
      // Asked without a link, the public join answers a private event as it answers an unknown one.
      return common.t(error instanceof TokenError ? 'failure.notFoundPublic' : 'failure.notFound');
    case 'rate_limited':
      return common.t('failure.rateLimited');
    default:
      return common.t(isFatal(error) ? 'failure.fatal' : 'failure.other', { message: error.message });
  }
}

/** Whether the token the page used should be dropped (so a reload asks for a new one). */
export function isTokenRefused(error: Error): boolean {
  return failureCode(error) === 'unauthorized';
}
