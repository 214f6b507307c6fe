import { currentLocale, type Locale } from './locale';

/**
 * A message: text with `{name}` placeholders, or, where English needs a plural, one form for a count of
 * one and one for the rest (chosen by `Intl.PluralRules`; Chinese has one form).
 */
export type Message = string | { one: string; other: string };
export type MessageParams = Record<string, string | number>;

/** Translates a key of one catalogue into the page's current language. */
export type Translate<K extends string> = (key: K, params?: MessageParams) => string;

export interface Catalogue<K extends string> {
  readonly messages: Readonly<Record<Locale, Readonly<Record<K, Message>>>>;
  readonly t: Translate<K>;
  has(key: string): key is K;
}

const plurals = new Map<Locale, Intl.PluralRules>();

function pluralRules(locale: Locale): Intl.PluralRules {
  let rules = plurals.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    plurals.set(locale, rules);
  }
  return rules;
}

const numbers = new Map<Locale, Intl.NumberFormat>();

function numberFormat(locale: Locale): Intl.NumberFormat {
  let format = numbers.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numbers.set(locale, format);
  }
  return format;
}

/** Fills a message in `locale` (numbers in parameters are formatted for it). */
export function render(message: Message, locale: Locale, params: MessageParams = {}): string {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const count = typeof params.count === 'number' ? params.count : 0;
    text = pluralRules(locale).select(count) === 'one' ? message.one : message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numberFormat(locale).format(value) : value;
  });
}

/**
 * One page area's messages in every language. English defines the keys; the Chinese object must have
 * exactly the same ones (a missing or extra key fails the type check).
 */
export function defineCatalogue<const E extends Record<string, Message>>(
  en: E,
  zh: { readonly [K in keyof E]: Message },
): Catalogue<Extract<keyof E, string>> {
  type K = Extract<keyof E, string>;
  const messages = { en, 'zh-CN': zh } as Record<Locale, Record<K, Message>>;
  return {
    messages,
    t: (key, params) => render(messages[currentLocale()][key], currentLocale(), params),
    has: (key: string): key is K => Object.hasOwn(en, key),
  };
}
