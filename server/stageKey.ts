/**
 * A stage's key: `eventId/stageId`, the name of a stage wherever one string must name it (the media
 * layer, cluster channels and claims, health samples, locks). Built and split here only.
 */
export function stageKey(eventId: string, stageId: string): string {
  return `${eventId}/${stageId}`;
}

/** The ids a stage key is made of (ids are slugs: they never contain `/`). */
export function splitStageKey(key: string): { eventId: string; stageId: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { eventId: '', stageId: key } : { eventId: key.slice(0, slash), stageId: key.slice(slash + 1) };
}

/**
 * An online meeting of the desk has a room: a small private stage whose id is this prefix and the
 * meeting's id. No agenda stage may take an id of that shape (the agenda's DTO refuses it).
 */
export const MEETING_ROOM_PREFIX = 'meeting-';

export function meetingRoomStageId(meetingId: string): string {
  return `${MEETING_ROOM_PREFIX}${meetingId}`;
}

/** The meeting whose room a stage id names; null for an agenda stage. */
export function meetingIdOfStage(stageId: string): string | null {
  return stageId.startsWith(MEETING_ROOM_PREFIX) ? stageId.slice(MEETING_ROOM_PREFIX.length) : null;
}
