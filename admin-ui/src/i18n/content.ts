import type { ContentTranslations } from '../../../signaling/contract';
import { currentLocale, type Locale } from './locale';

/**
 * What organisers enter in two languages: an event's or stage's name, a session's title, an
 * achievement's title and summary. The record's own field holds the text as first entered; its
 * `translations` may hold a version per language.
 */
export type ContentField = 'name' | 'title' | 'summary';

export interface Translatable {
  translations?: ContentTranslations;
}

/**
 * The version for the page's language, else the other language's, else the record's own text: a
 * title entered only in Chinese is shown to English readers rather than nothing.
 */
export function localized<R extends Translatable>(record: R, field: ContentField & keyof R, locale: Locale = currentLocale()): string {
  const own = record[field];
  const fallback = typeof own === 'string' ? own : '';
  const translations = record.translations ?? {};
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  return translations[locale]?.[field] || fallback || translations[other]?.[field] || '';
}
