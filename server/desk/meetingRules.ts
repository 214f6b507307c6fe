import { AppError } from '../errors';
import type { Booking } from '../store/Store';
import type { MeetingRecord, SlotRecord } from '../store/deskRecords';

/** The longest slot a team may publish. */
export const MAX_SLOT_MS = 4 * 3_600_000;

export function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

/** What an accepted meeting holds for its time: both delegates, its slot, and its table when on site. */
export function bookingOf(meeting: MeetingRecord): Booking {
  return {
    eventId: meeting.eventId,
    meetingId: meeting.id,
    startMs: Date.parse(meeting.start),
    endMs: Date.parse(meeting.end),
    holders: [
      `delegate:${meeting.hostDelegateId}`,
      `delegate:${meeting.guestDelegateId}`,
      `slot:${meeting.slotId}`,
      ...(meeting.table === null ? [] : [`table:${meeting.table}`]),
    ],
  };
}

/** What a clash's holder means to the person who asked. */
export function describeHolder(holder: string, meeting: MeetingRecord): string {
  if (holder.startsWith('slot:')) return 'the slot is already taken by another meeting';
  if (holder.startsWith('table:')) return `table ${meeting.table ?? ''} is already booked at that time`;
  if (holder === `delegate:${meeting.guestDelegateId}`) return 'the guest already has a meeting at that time';
  return 'the host delegate already has a meeting at that time';
}

/** A slot's shape: end after start, at most MAX_SLOT_MS, in the future, a table on site and none online. */
export function assertSlotShape(slot: Pick<SlotRecord, 'start' | 'end' | 'mode' | 'table'>, nowMs: number, index: number): void {
  const problems: string[] = [];
  const start = Date.parse(slot.start);
  const end = Date.parse(slot.end);
  if (end <= start) problems.push('end must be after start');
  if (end - start > MAX_SLOT_MS) problems.push(`a slot lasts at most ${MAX_SLOT_MS / 60_000} minutes`);
  if (end <= nowMs) problems.push('the slot is over');
  if (slot.mode === 'on-site' && slot.table === null) problems.push('an on-site slot names its table');
  if (slot.mode === 'online' && slot.table !== null) problems.push('an online slot has no table');
  if (problems.length > 0) {
    throw new AppError('bad_request', `slot ${index}: ${problems.join('; ')}`, { details: [{ field: `slots.${index}`, problems }] });
  }
}
