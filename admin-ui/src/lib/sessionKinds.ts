import type { SessionKind } from '../../../signaling/contract';

/** Every session kind with the words people read; a Record, so a new kind on the server fails the type check here. */
export const SESSION_KIND_LABEL: Record<SessionKind, string> = {
  keynote: 'Keynote',
  'achievement-release': 'Achievement release',
  speech: 'Speech',
  report: 'Report',
  panel: 'Panel',
  signing: 'Signing ceremony',
};

export const SESSION_KINDS = Object.keys(SESSION_KIND_LABEL) as SessionKind[];

export function isSessionKind(value: string): value is SessionKind {
  return value in SESSION_KIND_LABEL;
}
