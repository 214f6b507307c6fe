import type { EventRecord, StageRecord } from '../../../signaling/contract';
import { localized } from '../i18n/content';
import { bindText, createLocaleSelect } from '../i18n/dom';
import { common } from '../i18n/messages/common';
import { applyEventDefault } from '../i18n/pageLocale';
import { type ApiClient, eventPath } from './api';

/** The event (and stage) a page is about, as organisers named them. */
export interface PageEvent {
  event: EventRecord;
  stage: StageRecord | null;
}

/**
 * Reads the page's event and stage. Null when they cannot be read: the page still works, in the
 * language it started with and under the ids of its address.
 */
export async function loadPageEvent(api: ApiClient, eventId: string, stageId?: string): Promise<PageEvent | null> {
  try {
    const [event, stage] = await Promise.all([
      api.get<EventRecord>(eventPath(eventId)),
      stageId === undefined ? Promise.resolve(null) : api.get<StageRecord>(eventPath(eventId, 'stages', stageId)),
    ]);
    return { event, stage };
  } catch (error) {
    console.info('stagecast: the event could not be read; its names are not shown', error);
    return null;
  }
}

/**
 * Once the page knows its event: the event's default language (for viewers whose browser asked for
 * none of ours), and the names in the header and the window's title, in the viewer's language
 * (organisers may enter both), again after every change of language.
 */
export function presentEvent(
  { event, stage }: PageEvent,
  where: {
    heading?: HTMLElement | null;
    subheading?: HTMLElement | null;
    pageName?: () => string;
    /** False where the page's language was set otherwise (a partner's page names it for its player). */
    followEventDefault?: boolean;
  },
): void {
  if (where.followEventDefault !== false) applyEventDefault(event.defaultLocale);
  const names = (): string[] => [...(stage ? [localized(stage, 'name')] : []), localized(event, 'name')];
  if (where.heading) bindText(where.heading, () => names()[0] ?? '');
  if (where.subheading) bindText(where.subheading, () => localized(event, 'name'));
  const title = document.querySelector('title');
  if (title) bindText(title, () => [...(where.pageName ? [where.pageName()] : []), ...names()].join(' · '));
}

/** The language menu in a page's header bar, before `before` (the status, say). */
export function mountLocaleMenu(bar: Element, before: Element | null = null): HTMLSelectElement {
  const select = createLocaleSelect(common.t('locale.label'));
  bindText(select, () => common.t('locale.label'), 'aria-label');
  bar.insertBefore(select, before);
  return select;
}
