/** Socket.IO rooms: who hears what. Names are built here only. */

/** Joined participants of a stage: source and program changes. */
export function stageRoom(stageKey: string): string {
  return `stage:${stageKey}`;
}

/** Every connection of an event: agenda changes. */
export function eventRoom(eventId: string): string {
  return `event:${eventId}`;
}

/** Every connection of one participant: their hand, their rights. */
export function participantRoom(participantId: string): string {
  return `participant:${participantId}`;
}

/** Subscribers of a session's Q&A who may see only published questions. */
export function publicQaRoom(sessionId: string): string {
  return `qa:${sessionId}:public`;
}

/** Moderators of a session: every question and the raised hands. */
export function moderatorsRoom(sessionId: string): string {
  return `qa:${sessionId}:moderators`;
}

/** Health subscribers of an event (ops, hosts, admins): samples of its stages, its alerts. */
export function healthRoom(eventId: string): string {
  return `health:${eventId}`;
}

/** Every health subscriber of this deployment: node-wide alerts (a worker died, its CPU is high). */
export function opsRoom(): string {
  return 'health';
}
