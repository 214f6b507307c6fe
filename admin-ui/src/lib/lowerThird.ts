import type { ProgramChange } from '../../../signaling/contract';

/** The line under a lower-third's name: "title, organisation · session" (what is set of it); '' without one. */
export function lowerThirdDetail(lowerThird: ProgramChange['lowerThird']): string {
  if (!lowerThird) return '';
  const who = [lowerThird.speakerTitle, lowerThird.organisation].filter(Boolean).join(', ');
  return [who, lowerThird.sessionTitle].filter(Boolean).join(' · ');
}
