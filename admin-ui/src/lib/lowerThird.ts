import type { ProgramChange } from '../../../signaling/contract';
import { localized } from '../i18n/content';
import { common } from '../i18n/messages/common';

type LowerThird = ProgramChange['lowerThird'];

/**
 * The lower-third's name line in the page's language: the speaker's name, or an announced agreement
 * written from its parts (the server's English line for a server that sends no parts).
 */
export function lowerThirdHeadline(lowerThird: LowerThird): string {
  if (!lowerThird) return '';
  const agreement = lowerThird.agreement;
  if (!agreement) return lowerThird.speakerName;
  const achievement = localized({ title: agreement.achievement, translations: agreement.achievementTranslations }, 'title');
  return common.t('lowerThird.agreementSigned', { team: agreement.team, company: agreement.company, achievement });
}

/** The line under a lower-third's name: "title, organisation · session" (what is set of it); '' without one. */
export function lowerThirdDetail(lowerThird: LowerThird): string {
  if (!lowerThird) return '';
  const who = [lowerThird.speakerTitle, lowerThird.organisation].filter(Boolean).join(', ');
  const session = localized({ title: lowerThird.sessionTitle, translations: lowerThird.sessionTranslations }, 'title');
  return [who, session].filter(Boolean).join(' · ');
}
