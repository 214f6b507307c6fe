import type { Locale } from '../locale';

/**
 * Each language named in itself, whatever the page's language: someone who cannot read the page finds
 * their own language in the menu.
 */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };
