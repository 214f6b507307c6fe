import { currentLocale, type Locale } from './locale';

/**
 * Dates, times, numbers and names for the page's language. Times are on the event's clock (its time
 * zone), whatever zone the viewer's computer is in: a fair runs on the venue's clock.
 */

const cache = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: Locale, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(key, format);
  }
  return format;
}

const asMs = (at: string | number | Date): number => (at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at));

/** "2026年12月3日星期四" / "Thursday, 3 December 2026"-like, as the language writes a day. */
export function formatDate(at: string | number | Date, timeZone: string): string {
  return dateTimeFormat(currentLocale(), timeZone, { dateStyle: 'full' }).format(asMs(at));
}

/** A short day and time for lists: "12月3日 14:30" / "Dec 3, 14:30". */
export function formatDateTime(at: string | number | Date, timeZone: string): string {
  return dateTimeFormat(currentLocale(), timeZone, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(asMs(at));
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(currentLocale(), options).format(value);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 分钟前" / "3 minutes ago", "2 小时后" / "in 2 hours". */
export function formatRelative(at: string | number | Date, now: number = Date.now(), locale: Locale = currentLocale()): string {
  let value = (asMs(at) - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

const collators = new Map<Locale, Intl.Collator>();

function collator(locale: Locale): Intl.Collator {
  let found = collators.get(locale);
  if (!found) {
    found = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
    collators.set(locale, found);
  }
  return found;
}

/**
 * Orders names as the language does: Chinese names by their pinyin (the order of a Chinese name list),
 * Latin names alphabetically, ignoring case and accents; mixed lists keep each script together.
 */
export function compareNames(a: string, b: string, locale: Locale = currentLocale()): number {
  return collator(locale).compare(a, b);
}

/** The form a search compares: full-width letters and digits as half-width, no case, no spaces. */
function searchForm(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, '');
}

/**
 * Whether a name matches what someone typed: any part of it, so "大学" finds "南阳理工大学" and "wang"
 * finds "Wang Fang" (Chinese has no word gaps to anchor a prefix search to).
 */
export function nameMatches(name: string, query: string): boolean {
  const wanted = searchForm(query);
  return wanted === '' || searchForm(name).includes(wanted);
}
