import type { SessionKind } from '../../../signaling/contract';
import { common } from '../i18n/messages/common';

/** Every session kind; a Record, so a new kind on the server fails the type check here. */
const SESSION_KIND_KEY: Record<SessionKind, Parameters<typeof common.t>[0]> = {
  keynote: 'kind.keynote',
  'achievement-release': 'kind.achievementRelease',
  speech: 'kind.speech',
  report: 'kind.report',
  panel: 'kind.panel',
  signing: 'kind.signing',
};

export const SESSION_KINDS = Object.keys(SESSION_KIND_KEY) as SessionKind[];

/** The words people read for a kind, in the page's language. */
export function sessionKindLabel(kind: SessionKind): string {
  return common.t(SESSION_KIND_KEY[kind]);
}

export function isSessionKind(value: string): value is SessionKind {
  return value in SESSION_KIND_KEY;
}
