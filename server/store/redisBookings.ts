import type { MeetingRecord } from './deskRecords';
import type { OutboxEntry } from './Outbox';
import { entryArguments, type RedisOutbox } from './redisOutbox';
import type { RunCommand } from './redisConnection';
import type { Booking, BookingClash, Bookings } from './Store';

/** Where a collection's records live: one hash per scope, `<prefix><collection>:<scope>` (RedisStore's collections). */
export function collectionKeyBase(prefix: string, collection: string): string {
  return `${prefix}${collection}:`;
}

/** Adds outbox entries (ARGV from 5: id, due, data each) to the outbox's keys, the last two KEYS. */
const ADD_TO_OUTBOX = `
for i = 5, #ARGV, 3 do
  redis.call('HSET', KEYS[#KEYS], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[#KEYS - 1], tonumber(ARGV[i + 1]), ARGV[i])
end
`;

/**
 * Books a meeting atomically (one Lua script). KEYS: the holders' sorted sets (member `<endMs>:<meetingId>`,
 * score the start), the event's meetings hash, then the outbox's two keys. ARGV: meeting id, start ms,
 * end ms, the meeting's JSON, then the outbox entries to add. Answers {} when booked, {holder index,
 * meeting id} of the first clash otherwise.
 */
const BOOK = `
local start = tonumber(ARGV[2])
local finish = tonumber(ARGV[3])
local holders = #KEYS - 3
for i = 1, holders do
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[3])) do
    local sep = string.find(member, ':', 1, true)
    local other = string.sub(member, sep + 1)
    if other ~= ARGV[1] and tonumber(string.sub(member, 1, sep - 1)) > start then return {i, other} end
  end
end
for i = 1, holders do redis.call('ZADD', KEYS[i], start, ARGV[3] .. ':' .. ARGV[1]) end
redis.call('HSET', KEYS[#KEYS - 2], ARGV[1], ARGV[4])
${ADD_TO_OUTBOX}
return {}
`;

/** Frees a booking's holders and stores the meeting and outbox entries, in one script. KEYS and ARGV as BOOK's. */
const RELEASE = `
for i = 1, #KEYS - 3 do redis.call('ZREM', KEYS[i], ARGV[3] .. ':' .. ARGV[1]) end
redis.call('HSET', KEYS[#KEYS - 2], ARGV[1], ARGV[4])
${ADD_TO_OUTBOX}
return 1
`;

export class RedisBookings implements Bookings {
  constructor(
    private readonly run: RunCommand,
    private readonly prefix: string,
    private readonly outbox: RedisOutbox,
  ) {}

  #keys(booking: Booking): string[] {
    return [
      ...booking.holders.map((holder) => `${this.prefix}bookings:${booking.eventId}:${holder}`),
      collectionKeyBase(this.prefix, 'meetings') + booking.eventId,
      ...this.outbox.scriptKeys(),
    ];
  }

  #args(booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[]): string[] {
    return [booking.meetingId, String(booking.startMs), String(booking.endMs), JSON.stringify(meeting), ...entryArguments(outbox)];
  }

  async book(booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[] = []): Promise<BookingClash | null> {
    const keys = this.#keys(booking);
    const answer = await this.run((redis) => redis.eval(BOOK, { keys, arguments: this.#args(booking, meeting, outbox) }));
    if (!Array.isArray(answer) || answer.length < 2) return null;
    const [index, meetingId] = answer as unknown[];
    return { holder: booking.holders[Number(index) - 1] ?? '', meetingId: typeof meetingId === 'string' ? meetingId : '' };
  }

  async release(booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[] = []): Promise<void> {
    const keys = this.#keys(booking);
    await this.run((redis) => redis.eval(RELEASE, { keys, arguments: this.#args(booking, meeting, outbox) }));
  }
}
