import { currentLocale } from '../i18n/locale';
import { formatDateTime } from '../i18n/format';
import { desk } from '../i18n/messages/desk';
import { formatTime } from '../lib/zonedTime';
import type { Interest, Meeting, Slot, Suggestion } from './deskApi';

/** How the desk page words its records, in the page's language and on the event's clock. */

type DeskKey = Parameters<typeof desk.t>[0];

/** "12月3日 14:30–15:00" / "Dec 3, 14:30–15:00", on the event's clock (a meeting is at the venue). */
export function whenText(start: string, end: string, zone: string): string {
  return desk.t('meeting.when', { start: formatDateTime(start, zone), end: formatTime(end, zone) });
}

export function whereText(slot: { mode: Slot['mode']; table: string | null }): string {
  return slot.mode === 'online' ? desk.t('meeting.online') : desk.t('meeting.table', { table: slot.table ?? '' });
}

const MEETING_STATUS: Record<Meeting['status'], DeskKey> = {
  requested: 'meeting.requested',
  accepted: 'meeting.accepted',
  declined: 'meeting.declined',
  cancelled: 'meeting.cancelled',
};

const INTEREST_STATUS: Record<Interest['status'], DeskKey> = {
  pending: 'interest.pending',
  accepted: 'interest.accepted',
  declined: 'interest.declined',
};

export const meetingStatusText = (status: Meeting['status']): string => desk.t(MEETING_STATUS[status]);
export const interestStatusText = (status: Interest['status']): string => desk.t(INTEREST_STATUS[status]);

/**
 * The words a "words in common" reason lists. The server writes them after its label ("words in
 * common: a, b"); the page lists them as its language does.
 */
function commonWords(detail: string): string {
  const words = detail
    .slice(detail.indexOf(':') + 1)
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  return new Intl.ListFormat(currentLocale(), { type: 'conjunction' }).format(words);
}

/** Why a suggestion is made, factor by factor; the server's own line for a factor this page does not know. */
export function reasonText(suggestion: Suggestion): string {
  const reasons = suggestion.reasons ?? [];
  if (reasons.length === 0) return suggestion.reason;
  return reasons
    .map((reason) => {
      if (reason.factor === 'sector') return desk.t('reason.sector', { sector: suggestion.sector });
      if (reason.factor === 'words') return desk.t('reason.words', { words: commonWords(reason.detail) });
      if (reason.factor === 'maturity') return desk.t('reason.maturity');
      return reason.detail;
    })
    .join(' · ');
}
