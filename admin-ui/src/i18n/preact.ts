import { useEffect, useState } from 'preact/hooks';
import { currentLocale, type Locale, onLocaleChange } from './locale';

/**
 * The page's language, in a component that renders again when the viewer changes it. Call it in every
 * component that shows translated text (a component that only passes text down still gets new props).
 */
export function useLocale(): Locale {
  const [locale, setLocale] = useState(currentLocale());
  useEffect(() => onLocaleChange(setLocale), []);
  return locale;
}
