import { currentLocale } from '../../i18n/locale';

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A time to the second on the event's clock (alerts, deliveries): "14:03:27" in both languages, the
 * 24-hour clock that broadcast and ops staff read. In the page's locale for its digits and separators.
 */
export function formatClock(at: string | number, timeZone: string): string {
  const locale = currentLocale();
  const key = `${locale}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(key, format);
  }
  return format.format(typeof at === 'number' ? at : Date.parse(at));
}
