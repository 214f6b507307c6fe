import { consoleText } from '../i18n/messages/console';
import type { ConsoleRole, TokenProblem } from './identity';

/** A role as people at the event call it. */
export function roleLabel(role: ConsoleRole): string {
  return consoleText.t(`role.${role}`);
}

/** Why signing in did not work, in the page's language. */
export function tokenProblemText(problem: TokenProblem): string {
  switch (problem.problem) {
    case 'noViews':
      return consoleText.t('token.noViews', { role: roleLabel(problem.role) });
    case 'refused':
      return consoleText.t('signin.refused');
    default:
      return consoleText.t(`token.${problem.problem}`);
  }
}
