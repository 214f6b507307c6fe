import { createEvents, type EventAttributes } from 'ics';
import { AppError } from '../errors';
import type { ExportText } from '../i18n/exportText';
import type { DelegateRecord, MeetingRecord, OrganisationRecord } from '../store/deskRecords';

/**
 * A delegate's accepted meetings as an iCalendar file (RFC 5545), in UTC. Each meeting keeps its id as
 * the UID, so a calendar that imports the file again updates its entries instead of doubling them.
 * Written in the language of `text` (the caller's page language).
 */
export function meetingCalendar(
  eventName: string,
  meetings: readonly MeetingRecord[],
  delegates: ReadonlyMap<string, DelegateRecord>,
  organisations: ReadonlyMap<string, OrganisationRecord>,
  text: ExportText,
): string {
  const calName = text.calendarName(eventName);
  const events: EventAttributes[] = meetings.map((meeting) => {
    const host = organisations.get(meeting.hostOrganisationId)?.name ?? text.team;
    const guest = organisations.get(meeting.guestOrganisationId)?.name ?? text.guest;
    const people = [meeting.hostDelegateId, meeting.guestDelegateId].map((id) => delegates.get(id)?.name ?? '').filter(Boolean);
    return {
      uid: `${meeting.id}@stagecast`,
      title: `${host} × ${guest}`,
      description: [people.join(text.and), meeting.note].filter(Boolean).join('\n'),
      location: meeting.mode === 'online' ? text.onlineMeeting : text.table(eventName, meeting.table ?? ''),
      start: Date.parse(meeting.start),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: Date.parse(meeting.end),
      endInputType: 'utc',
      endOutputType: 'utc',
      status: 'CONFIRMED',
      productId: 'stagecast/desk',
      calName,
    };
  });
  const { error, value } = createEvents(events, { productId: 'stagecast/desk', calName });
  if (error || value === null) throw new AppError('internal', 'the calendar could not be written', { cause: error });
  return value;
}
