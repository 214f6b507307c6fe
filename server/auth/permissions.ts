import { AppError } from '../errors';
import type { Principal, Role } from './tokens';

const EVERYONE: readonly Role[] = ['attendee', 'speaker', 'moderator', 'host', 'ops', 'admin'];

/**
 * The one permission table of stagecast: which roles may do what. Every REST route and socket event
 * checks an action from here; nothing else decides access.
 */
export const PERMISSIONS = {
  'stage.watch': EVERYONE,
  'stage.publish': ['speaker', 'host', 'admin'],
  /** Receives every source of a stage (previews), not only the one on air. */
  'stage.preview': ['host', 'ops', 'admin'],
  'stage.ingest': ['host', 'ops', 'admin'],
  'stage.inspect': ['host', 'ops', 'admin'],
  'event.manage': ['admin'],
  'token.revoke': ['admin'],
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
