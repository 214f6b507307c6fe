import type { ErrorCode } from '../../../signaling/contract';
import { ApiError } from '../lib/api';
import { failureCode } from '../lib/failureText';
import { consoleText } from '../i18n/messages/console';

type ErrorKey = Extract<Parameters<typeof consoleText.t>[0], `error.${string}`>;

/**
 * The sentence of each code the API and the socket answer with (server/errors.ts), and of the socket's
 * own two: a code added to the taxonomy fails the type check here until it has a sentence.
 */
const SENTENCES: Record<ErrorCode | 'timeout' | 'disconnected', ErrorKey> = {
  bad_request: 'error.bad_request',
  unauthorized: 'error.unauthorized',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  conflict: 'error.conflict',
  rate_limited: 'error.rate_limited',
  payload_too_large: 'error.payload_too_large',
  method_not_allowed: 'error.method_not_allowed',
  unavailable: 'error.unavailable',
  internal: 'error.internal',
  timeout: 'error.timeout',
  disconnected: 'error.disconnected',
};

function sentenceOf(code: string | undefined): ErrorKey | undefined {
  return code !== undefined && Object.hasOwn(SENTENCES, code) ? SENTENCES[code as keyof typeof SENTENCES] : undefined;
}

function codeOf(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.code;
  return error instanceof Error ? failureCode(error) : undefined;
}

/**
 * A failure as the person at the console reads it: a sentence for the error's code in the page's
 * language, with the server's own words after it (they name the record or field concerned, which the
 * code alone does not). The server writes them in English; the code's sentence is what everyone reads.
 */
export function errorText(error: unknown, details: readonly string[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = [message, ...details].filter((part) => part.trim() !== '').join(' — ');
  const key = sentenceOf(codeOf(error));
  if (key === undefined) {
    return detail === ''
      ? consoleText.t('error.unknown')
      : consoleText.t('error.withDetail', { reason: consoleText.t('error.unknown'), detail });
  }
  const reason = consoleText.t(key);
  return detail === '' ? reason : consoleText.t('error.withDetail', { reason, detail });
}

/** The field problems of a refused form, after the code's sentence: "title: must be shorter…". */
export function formErrorText(error: unknown): string {
  const problems = error instanceof ApiError ? error.fieldProblems.map((p) => `${p.field}: ${p.problems.join(', ')}`) : [];
  return errorText(error, problems);
}
