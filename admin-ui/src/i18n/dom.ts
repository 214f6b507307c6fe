import type { Catalogue } from './catalogue';
import { currentLocale, isLocale, LOCALES, onLocaleChange } from './locale';
import { chooseLocaleByViewer } from './pageLocale';
import { LOCALE_NAMES } from './messages/localeNames';

/**
 * Text in pages written without a component framework. Whatever a page puts into an element through
 * `bindText` is rendered again when the viewer changes the language, so the page changes without a
 * reload and without each page keeping its own list of what to redo.
 */

type Slot = 'text' | 'title' | 'aria-label' | 'placeholder';

/** Per element, what renders each of its localised slots (its text, some attributes). */
const bound = new Map<Element, Map<Slot, () => void>>();

onLocaleChange(() => {
  for (const [node, slots] of bound) {
    if (!node.isConnected) {
      bound.delete(node);
      continue;
    }
    for (const update of slots.values()) update();
  }
});

/**
 * Sets an element's text (or an attribute) from `render`, now and after every change of language. A
 * later call for the same element and slot replaces the earlier one.
 */
export function bindText(node: Element, render: () => string, attribute?: Exclude<Slot, 'text'>): void {
  const update = (): void => {
    if (attribute) node.setAttribute(attribute, render());
    else node.textContent = render();
  };
  update();
  let slots = bound.get(node);
  if (!slots) {
    slots = new Map();
    bound.set(node, slots);
  }
  slots.set(attribute ?? 'text', update);
}

const STATIC_ATTRIBUTES = ['title', 'aria-label', 'placeholder'] as const;

/**
 * The text a page's HTML names by key: `data-i18n="key"` for the text, `data-i18n-title`,
 * `data-i18n-aria-label`, `data-i18n-placeholder` for those attributes.
 */
export function bindStaticText<K extends string>(root: ParentNode, catalogue: Catalogue<K>): void {
  for (const node of root.querySelectorAll('[data-i18n]')) {
    const key = node.getAttribute('data-i18n') ?? '';
    if (!catalogue.has(key)) throw new Error(`data-i18n="${key}" names no message`);
    bindText(node, () => catalogue.t(key));
  }
  for (const attribute of STATIC_ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      const key = node.getAttribute(`data-i18n-${attribute}`) ?? '';
      if (!catalogue.has(key)) throw new Error(`data-i18n-${attribute}="${key}" names no message`);
      bindText(node, () => catalogue.t(key), attribute);
    }
  }
}

/**
 * The language menu every page carries: each language named in itself, so someone who cannot read
 * the page's current language still finds their own.
 */
export function createLocaleSelect(label: string): HTMLSelectElement {
  const select = document.createElement('select');
  select.className = 'locale-select';
  select.id = 'locale';
  select.setAttribute('aria-label', label);
  for (const locale of LOCALES) {
    const option = document.createElement('option');
    option.value = locale;
    option.lang = locale;
    option.textContent = LOCALE_NAMES[locale];
    select.append(option);
  }
  select.value = currentLocale();
  select.addEventListener('change', () => {
    if (isLocale(select.value)) chooseLocaleByViewer(select.value);
  });
  onLocaleChange((locale) => {
    select.value = locale;
  });
  return select;
}
