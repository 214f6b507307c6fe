import { ApiError } from '../lib/api';
import { failureCode } from '../lib/failureText';
import { consoleText } from '../i18n/messages/console';

type ErrorKey = Extract<Parameters<typeof consoleText.t>[0], `error.${string}`>;

/** Codes the API and the socket answer with (server/errors.ts), plus the socket's own two. */
const KNOWN_CODES = new Set<string>([
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
  'timeout',
  'disconnected',
]);

function codeOf(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.code;
  return error instanceof Error ? failureCode(error) : undefined;
}

function isErrorKey(key: string): key is ErrorKey {
  return consoleText.has(key);
}

/**
 * A failure as the person at the console reads it: a sentence for the error's code in the page's
 * language, with the server's own words after it (they name the record or field concerned, which the
 * code alone does not). The server writes them in English; the code's sentence is what everyone reads.
 */
export function errorText(error: unknown, details: readonly string[] = []): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const detail = [message, ...details].filter((part) => part.trim() !== '').join(' — ');
  const key = `error.${code ?? 'unknown'}`;
  if (code === undefined || !KNOWN_CODES.has(code) || !isErrorKey(key)) {
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
