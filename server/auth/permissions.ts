import { AppError } from '../errors';
import type { Principal, Role } from './tokens';

const EVERYONE: readonly Role[] = ['attendee', 'speaker', 'moderator', 'host', 'ops', 'admin', 'delegate', 'interpreter'];

/**
 * The one permission table of stagecast: which roles may do what. Every REST route and socket event
 * checks an action from here; nothing else decides access.
 */
export const PERMISSIONS = {
  'stage.watch': EVERYONE,
  'stage.publish': ['speaker', 'host', 'admin'],
  /** Receives every source of a stage (previews), not only the one on air. */
  'stage.preview': ['host', 'ops', 'admin'],
  /**
   * Publishes a microphone into the language channel (booth) the token names, on the token's stage, and
   * hands over within that booth. Only interpreters: a speaker's sound is the floor, not a channel.
   */
  'stage.interpret': ['interpreter'],
  'stage.ingest': ['host', 'ops', 'admin'],
  'stage.inspect': ['host', 'ops', 'admin'],
  'event.manage': ['admin'],
  'token.revoke': ['admin'],
  /** Server-to-server API keys of the event: created (secret shown once), listed, revoked. */
  'apikey.manage': ['admin'],
  /** Partner webhook endpoints of the event, their delivery logs, sending a message again. */
  'webhook.manage': ['admin'],
  'agenda.manage': ['host', 'admin'],
  'program.control': ['host', 'admin'],
  'question.submit': EVERYONE,
  'question.vote': EVERYONE,
  'question.moderate': ['moderator', 'host', 'admin'],
  'question.viewAll': ['moderator', 'host', 'admin'],
  'hand.raise': ['attendee', 'speaker'],
  'hand.viewQueue': ['moderator', 'host', 'admin'],
  'hand.answer': ['moderator', 'host', 'admin'],
  'health.view': ['ops', 'host', 'admin'],
  // The tech-transfer desk. A delegate is a role, not an attendee with an organisation: only invited people
  // act for an organisation, their tokens are revocable, and the desk's actions are theirs alone. Which
  // organisation a delegate acts for is read from the store on each call, never from the token.
  /** Organisations, invites, agreements, the matchmaking report. */
  'desk.manage': ['host', 'admin'],
  /** Needs, suggestions, interests, slots and meeting requests and answers: as a delegate of one's organisation. */
  'desk.participate': ['delegate'],
  /** One's own meetings (a delegate), or every meeting of the event (host, admin); cancelling one. */
  'desk.meetings': ['delegate', 'host', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/**
 * The event of a platform administrator's token (`npm run token -- --role admin --event '*'`): it
 * administers every event, and only it creates events. No event can have this id (ids are slugs).
 */
export const EVERY_EVENT = '*';

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.role === 'admin' && principal.eventId === EVERY_EVENT;
}

/** Throws `forbidden` unless the principal's role may perform the action. */
export function assertCan(principal: Principal, action: Action): void {
  if (!can(principal.role, action)) {
    throw new AppError('forbidden', `role ${principal.role} may not ${action.replace('.', ' ')}`);
  }
}
