import { chooseLocale, currentLocale, isLocale, type Locale, LOCALE_STORAGE_KEY, onLocaleChange, setCurrentLocale } from './locale';

/** The page's language from the browser, the viewer's remembered choice and the event's default. */

let chosenByViewer = false;

function storedChoice(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

onLocaleChange((locale) => {
  document.documentElement.lang = locale;
});

/** Picks the page's language at start-up, before anything is rendered. */
export function initLocale(): Locale {
  const stored = storedChoice();
  chosenByViewer = isLocale(stored);
  setCurrentLocale(chooseLocale({ stored, browser: browserLanguages() }));
  document.documentElement.lang = currentLocale();
  return currentLocale();
}

/**
 * The event's default, once the page knows its event: it only decides when neither the viewer nor the
 * browser did.
 */
export function applyEventDefault(eventDefault: string | null | undefined): void {
  if (chosenByViewer) return;
  setCurrentLocale(chooseLocale({ browser: browserLanguages(), eventDefault }));
}

/** The viewer picks a language: the page changes at once, and the choice is remembered. */
export function chooseLocaleByViewer(locale: Locale): void {
  chosenByViewer = true;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Storage may be refused (private windows); the choice still holds for this page.
  }
  setCurrentLocale(locale);
}
