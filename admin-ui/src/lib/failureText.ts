import { codeOf, FATAL_CODES } from './errorCodes';
import { PageFailure, type PageFailureCode } from './pageFailure';
import { TokenError } from './token';
import { common } from '../i18n/messages/common';
import { live } from '../i18n/messages/live';

/** The error code a failure carries (server, token, REST answer or handshake refusal), if any. */
export function failureCode(error: Error): string | undefined {
  return codeOf(error);
}

const PAGE_FAILURE_KEY: Record<PageFailureCode, Parameters<typeof live.t>[0]> = {
  no_stage: 'failure.noStage',
  no_meeting: 'failure.noMeeting',
  insecure_page: 'failure.insecurePage',
  media_unavailable: 'failure.mediaUnavailable',
  no_microphone: 'failure.noMicrophone',
  not_interpreter: 'failure.notInterpreter',
  hls_unsupported: 'failure.hlsUnsupported',
  cannot_send: 'failure.cannotSend',
};

/**
 * A sentence for the person in front of the page, in the page's language: what went wrong and what they
 * can do. Failures without a known code keep the server's own words after a translated lead-in.
 */
export function failureText(error: Error): string {
  if (error instanceof PageFailure) return live.t(PAGE_FAILURE_KEY[error.code], { reason: error.reason });
  const code = failureCode(error);
  switch (code) {
    case 'unauthorized':
      return common.t('failure.unauthorized');
    case 'forbidden':
      return common.t('failure.forbidden');
    case 'not_found':
      // Asked without a link, the public join answers a private event as it answers an unknown one.
      return common.t(error instanceof TokenError ? 'failure.notFoundPublic' : 'failure.notFound');
    case 'rate_limited':
      return common.t('failure.rateLimited');
    case 'unavailable':
      return live.t('failure.unavailable');
    case 'timeout':
      return live.t('failure.timeout');
    case 'disconnected':
      return live.t('failure.disconnected');
    default:
      return common.t(code !== undefined && FATAL_CODES.has(code) ? 'failure.fatal' : 'failure.other', { message: error.message });
  }
}

/** Whether the token the page used should be dropped (so a reload asks for a new one). */
export function isTokenRefused(error: Error): boolean {
  return failureCode(error) === 'unauthorized';
}
