import { common } from './messages/common';
import { LOCALE_NAMES } from './messages/localeNames';
import { isLocale, LOCALES } from './locale';
import { chooseLocaleByViewer } from './pageLocale';
import { useLocale } from './preact';

/** The language menu of the Preact pages (the others use `createLocaleSelect`). */
export function LocaleMenu() {
  const locale = useLocale();
  return (
    <select
      id="locale"
      class="locale-select"
      aria-label={common.t('locale.label')}
      value={locale}
      onChange={(event) => {
        const chosen = event.currentTarget.value;
        if (isLocale(chosen)) chooseLocaleByViewer(chosen);
      }}
    >
      {LOCALES.map((option) => (
        <option key={option} value={option} lang={option}>
          {LOCALE_NAMES[option]}
        </option>
      ))}
    </select>
  );
}
