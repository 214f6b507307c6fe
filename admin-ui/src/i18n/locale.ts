/**
 * The language a page speaks. Two are complete (every key of every catalogue in both, checked by the
 * type of `defineCatalogue` and a unit test): Simplified Chinese, which the fairs stagecast serves read
 * first, and English.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALE_STORAGE_KEY = 'stagecast.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The supported locale a BCP 47 tag asks for: any Chinese tag → zh-CN, any English tag → en. */
export function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/**
 * Which language a page opens in: the viewer's own earlier choice, else the first of the browser's
 * languages that stagecast speaks, else the event's default, else English. The browser comes before
 * the event because someone whose browser asks for English reads English better, even at a Chinese
 * fair; the event's default decides for everyone whose browser asks for neither (a Japanese or French
 * delegate at a Chinese fair sees the fair's own language first).
 */
export function chooseLocale(input: { stored?: string | null; browser: readonly string[]; eventDefault?: string | null }): Locale {
  if (isLocale(input.stored)) return input.stored;
  for (const tag of input.browser) {
    const locale = localeOfTag(tag);
    if (locale) return locale;
  }
  if (isLocale(input.eventDefault)) return input.eventDefault;
  return 'en';
}

type Listener = (locale: Locale) => void;

let current: Locale = 'en';
const listeners = new Set<Listener>();

export function currentLocale(): Locale {
  return current;
}

/** Changes the language of everything rendered from now on and tells whoever re-renders. */
export function setCurrentLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  for (const listener of [...listeners]) listener(locale);
}

/** Runs `listener` on every change of language; returns the unsubscribe. */
export function onLocaleChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
