/**
 * Wall-clock dates and times in an IANA time zone, for the server side (the demo programme is planned
 * on the venue's clock). The agenda stores instants as ISO 8601 with an explicit offset.
 */

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

/** The zone this process runs in (TZ, else the system's), UTC when it names none. */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(ms: number, timeZone: string): WallParts {
  const values: WallParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type in values) values[part.type as keyof WallParts] = Number(part.value);
  }
  return values;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** How far the zone's clock is ahead of UTC at that instant, in minutes. */
function offsetMinutes(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** YYYY-MM-DD: the day the zone's clock shows at that instant. */
export function zonedDate(at: Date, timeZone: string): string {
  const p = wallParts(at.getTime(), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * `2026-12-02T09:00:00+08:00`: the instant the zone's clock shows `date` `time` (HH:MM), with the
 * zone's offset then. A time a DST change skips lands just after it.
 */
export function zonedIso(date: string, time: string, timeZone: string): string {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Two rounds: the offset at the first guess may differ from the one at the answer across a DST change.
  let ms = asUtc - offsetMinutes(asUtc, timeZone) * 60_000;
  ms = asUtc - offsetMinutes(ms, timeZone) * 60_000;
  const offset = offsetMinutes(ms, timeZone);
  const p = wallParts(ms, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
