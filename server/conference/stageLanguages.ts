import { AppError } from '../errors';
import type { StageRecord } from '../store/records';

/** Booths a stage may have: each is an audio channel every viewer's page may consume. */
export const MAX_INTERPRETATION_LANGUAGES = 8;

/**
 * Checks a stage's languages as a whole (a patch may change one field and clash with another):
 * channels distinct, none the floor's own language. Tags are compared without case, as BCP 47 does.
 */
export function assertStageLanguages(stage: Pick<StageRecord, 'floorLanguage' | 'interpretationLanguages'>): void {
  const channels = (stage.interpretationLanguages ?? []).map((tag) => tag.toLowerCase());
  if (new Set(channels).size !== channels.length) throw new AppError('bad_request', 'interpretationLanguages must be distinct');
  const floor = stage.floorLanguage?.toLowerCase();
  if (floor !== undefined && channels.includes(floor))
    throw new AppError('bad_request', `${stage.floorLanguage} is the floor language, not an interpretation channel`);
}

/** Whether a language is one of the stage's interpretation channels (case-insensitively). */
export function hasInterpretation(stage: Pick<StageRecord, 'interpretationLanguages'>, language: string): boolean {
  return (stage.interpretationLanguages ?? []).some((tag) => tag.toLowerCase() === language.toLowerCase());
}
