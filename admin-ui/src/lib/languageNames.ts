import { currentLocale } from '../i18n/locale';

/**
 * A language channel's name (a BCP 47 tag such as `en` or `fr`) in the page's language: 英语 on a
 * Chinese page, English on an English one; the tag itself where the browser cannot name it.
 */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([currentLocale(), 'en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
