import { AppError } from '../errors';

/**
 * Text that people read on a stage's pages (display names, questions). What is stored is what every
 * reader sees: NFC, and none of the characters that hide or disguise text.
 *
 * - control characters (C0, DEL, C1) go; a tab or line break inside a question becomes a space;
 * - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) go: they make text read
 *   backwards, or push the rest of a line somewhere else;
 * - invisible characters that carry no meaning in text (U+200B zero-width space, U+2060 word joiner,
 *   U+FEFF, U+00AD soft hyphen) go; zero-width joiners (U+200C/U+200D) stay between two characters,
 *   where emoji sequences and Persian or Indic words need them, and go at either end;
 * - what is left must show something: a letter, digit, punctuation mark or symbol.
 */
export function cleanHumanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u00AD]/gu, '')
    .replace(/^[\s\u200C\u200D]+|[\s\u200C\u200D]+$/gu, '');
}

const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Whether the text shows anything once cleaned. */
export function showsSomething(text: string): boolean {
  return VISIBLE.test(text);
}

/**
 * Words that name a staff role, in English and Chinese. A participant who names themselves may not
 * take one (as a word of its own, any case, in any brackets): on the pages a name is all that tells
 * a moderator from an attendee. Staff get their names from the tokens an admin mints.
 */
const STAFF_WORDS =
  /(^|[^\p{L}\p{N}])(host|moderator|admin|administrator|organi[sz]er|staff|official|support)(?![\p{L}\p{N}])|主持人|管理员|工作人员|主办方|官方/iu;

/** A name a participant chose for themselves: cleaned, or refused when it shows nothing or claims a staff role. */
export function selfChosenName(raw: string, field = 'name'): string {
  const name = cleanHumanText(raw);
  if (!showsSomething(name))
    throw new AppError('bad_request', `${field} shows no visible character`, { details: [{ field, problems: ['no visible character'] }] });
  if (STAFF_WORDS.test(name)) {
    throw new AppError('bad_request', `${field} may not name a staff role (host, moderator, admin…)`, {
      details: [{ field, problems: ['names a staff role'] }],
    });
  }
  return name;
}
