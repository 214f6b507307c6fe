import type { AchievementRecord, AudiencePolicy, EventRecord, SessionRecord, SpeakerRecord, StageRecord } from '../store/records';

/** Inputs of the agenda operations (the REST DTOs implement these). */
export type NewEvent = Pick<EventRecord, 'id' | 'name' | 'isPublic' | 'timezone' | 'defaultLocale' | 'translations'> & {
  audience?: Partial<AudiencePolicy>;
};
export type EventPatch = Partial<Omit<NewEvent, 'id'>>;
export type NewStage = Pick<StageRecord, 'id' | 'name' | 'translations' | 'floorLanguage' | 'interpretationLanguages' | 'floorLevel'>;
export type StagePatch = Partial<Omit<NewStage, 'id'>>;
export type NewSpeaker = Omit<SpeakerRecord, 'id' | 'eventId'>;
export type SpeakerPatch = Partial<NewSpeaker>;
export type NewAchievement = Omit<AchievementRecord, 'id' | 'eventId'>;
export type AchievementPatch = Partial<NewAchievement>;

export type NewSession = Pick<SessionRecord, 'stageId' | 'title' | 'translations' | 'kind' | 'speakerIds' | 'plannedStart' | 'plannedEnd'>;
export type SessionPatch = Partial<NewSession>;

/** A session with its speakers and achievements spelled out, as the agenda shows it. */
export interface AgendaItem extends SessionRecord {
  speakers: SpeakerRecord[];
  achievements: AchievementRecord[];
}

export interface NowAndNext {
  current: AgendaItem | null;
  next: AgendaItem | null;
}
