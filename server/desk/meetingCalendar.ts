import { createEvents, type EventAttributes } from 'ics';
import { AppError } from '../errors';
import type { DelegateRecord, MeetingRecord, OrganisationRecord } from '../store/deskRecords';

/**
 * A delegate's accepted meetings as an iCalendar file (RFC 5545), in UTC. Each meeting keeps its id as
 * the UID, so a calendar that imports the file again updates its entries instead of doubling them.
 */
export function meetingCalendar(
  eventName: string,
  meetings: readonly MeetingRecord[],
  delegates: ReadonlyMap<string, DelegateRecord>,
  organisations: ReadonlyMap<string, OrganisationRecord>,
): string {
  const events: EventAttributes[] = meetings.map((meeting) => {
    const host = organisations.get(meeting.hostOrganisationId)?.name ?? 'team';
    const guest = organisations.get(meeting.guestOrganisationId)?.name ?? 'guest';
    const people = [meeting.hostDelegateId, meeting.guestDelegateId].map((id) => delegates.get(id)?.name ?? '').filter(Boolean);
    return {
      uid: `${meeting.id}@stagecast`,
      title: `${host} × ${guest}`,
      description: [people.join(' and '), meeting.note].filter(Boolean).join('\n'),
      location: meeting.mode === 'online' ? 'Online meeting' : `${eventName}, table ${meeting.table ?? ''}`,
      start: Date.parse(meeting.start),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: Date.parse(meeting.end),
      endInputType: 'utc',
      endOutputType: 'utc',
      status: 'CONFIRMED',
      productId: 'stagecast/desk',
      calName: `${eventName}: meetings`,
    };
  });
  const { error, value } = createEvents(events, { productId: 'stagecast/desk', calName: `${eventName}: meetings` });
  if (error || value === null) throw new AppError('internal', 'the calendar could not be written', { cause: error });
  return value;
}
