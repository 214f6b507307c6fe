import { currentLocale } from '../i18n/locale';

/**
 * Wall-clock time in the event's time zone. A conference runs on the venue's clock, whatever zone the
 * console's computer is in, so every time the agenda shows or takes is in the event's zone.
 */

export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, 24-hour */
  time: string;
  /** Minutes since midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone if the browser knows it, else UTC (an event's zone is free text on the server). */
export function usableZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    formatterFor(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function parts(ms: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const values = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type in values) values[part.type as keyof typeof values] = Number(part.value);
  }
  return values;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function wallClock(at: string | number, timeZone: string): WallClock {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  const p = parts(ms, timeZone);
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}`, minutes: p.hour * 60 + p.minute };
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant (ms) at which the zone's clock shows `date` `time`; a time skipped by a DST change lands just after it. */
export function zonedToMs(date: string, time: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const asUtc = Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0);
  // Two rounds: the offset at the first guess may differ from the offset at the answer across a DST change.
  let ms = asUtc - zoneOffsetMs(asUtc, timeZone);
  ms = asUtc - zoneOffsetMs(ms, timeZone);
  return ms;
}

export function isoAt(date: string, minutes: number, timeZone: string): string {
  const clamped = Math.max(0, Math.min(24 * 60 - 1, Math.round(minutes)));
  return new Date(zonedToMs(date, `${pad(Math.floor(clamped / 60))}:${pad(clamped % 60)}`, timeZone)).toISOString();
}

export function formatTime(at: string | number, timeZone: string): string {
  return wallClock(at, timeZone).time;
}

export function formatRange(start: string, end: string, timeZone: string): string {
  return `${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
}

/** "Tue 1 Dec" / "12月1日周二" for a YYYY-MM-DD day, in the page's language. */
export function formatDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).toLocaleDateString(currentLocale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

export function shiftDay(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const shifted = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days));
  return shifted.toISOString().slice(0, 10);
}

export function timeOfMinutes(minutes: number): string {
  const m = Math.max(0, Math.min(24 * 60, Math.round(minutes)));
  return `${pad(Math.floor(m / 60) % 24)}:${pad(m % 60)}`;
}
