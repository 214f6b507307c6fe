import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { Clock } from './clock';
import type { Parties } from './Parties';

/** A meeting's room opens this long before its start, so both sides can check camera and sound. */
export const ROOM_OPENS_BEFORE_MS = 10 * 60_000;
/** Two teams of a 1:1 meeting, a colleague or two each: more publishers than this is not a meeting. */
export const MAX_ROOM_PUBLISHERS = 6;

/** What a delegate admitted to a meeting's room holds: until when the room is open. */
export interface MeetingRoomPass {
  meetingId: string;
  closesAtMs: number;
}

/**
 * Who may enter an online meeting's room, and when: the delegates of the meeting's two organisations,
 * from ROOM_OPENS_BEFORE_MS before its start to its end, while it stays accepted. Hosts and admins do
 * not get in: a meeting between a team and a company is theirs alone.
 */
export class MeetingRooms {
  constructor(
    private readonly store: Store,
    private readonly parties: Parties,
    private readonly clock: Clock,
  ) {}

  async admit(principal: Principal, meetingId: string): Promise<MeetingRoomPass> {
    if (principal.role !== 'delegate') throw new AppError('forbidden', "only the meeting's delegates enter its room");
    const delegate = await this.parties.delegateOf(principal);
    const meeting = await this.store.collection('meetings').get(principal.eventId, meetingId);
    if (!meeting) throw new AppError('not_found', `no meeting ${meetingId}`);
    if (delegate.organisationId !== meeting.hostOrganisationId && delegate.organisationId !== meeting.guestOrganisationId) {
      throw new AppError('forbidden', "only the meeting's delegates enter its room");
    }
    if (meeting.mode !== 'online') throw new AppError('not_found', 'an on-site meeting has no online room');
    if (meeting.status !== 'accepted') throw new AppError('not_found', `the meeting is ${meeting.status}: its room is closed`);
    const now = this.clock();
    const opensAtMs = Date.parse(meeting.start) - ROOM_OPENS_BEFORE_MS;
    const closesAtMs = Date.parse(meeting.end);
    // Refusals a retry cannot change are not_found (the page stops); an early arrival is told when to come back.
    if (now >= closesAtMs) throw new AppError('not_found', 'the meeting is over: its room is closed');
    if (now < opensAtMs) {
      throw new AppError('forbidden', `the room opens at ${new Date(opensAtMs).toISOString()}, ten minutes before the meeting`);
    }
    return { meetingId, closesAtMs };
  }
}
