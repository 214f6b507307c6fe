import { JSONSchema } from 'class-validator-jsonschema';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsString,
  Max,
  Min,
  ValidateNested,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MEETING_ROOM_PREFIX } from '../../stageKey';
import type { NewAchievement, NewEvent, NewSession, NewSpeaker, NewStage } from '../../conference/agendaTypes';
import {
  type AudiencePolicy,
  CONTENT_LOCALES,
  type ContentLocale,
  IP_STATUSES,
  type IpStatus,
  SESSION_KINDS,
  type SessionKind,
  TRANSFER_MODES,
  type TransferMode,
} from '../../store/records';
import { Type } from 'class-transformer';
import { LANGUAGE_TAG, Optional, SLUG } from '../../validation';
import { MAX_INTERPRETATION_LANGUAGES } from '../../conference/stageLanguages';

/** ISO 8601 date-time with an explicit zone (Z or ±hh:mm): a time without one is ambiguous. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const zoneMessage = '$property must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:30:00+08:00';
const TIMEZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;

const NOT_A_MEETING_ROOM = new RegExp(`^(?!${MEETING_ROOM_PREFIX})`);

/*
 * Organiser-entered text in each page language. Keys are the page locales; a field left out falls
 * back, in the pages, to the record's own text or the other language. A patch replaces the whole set.
 */
class NameText {
  @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
}
class TitleText {
  @Optional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
}
class TitleSummaryText extends TitleText {
  @Optional() @IsString() @MaxLength(4000) summary?: string;
}
@JSONSchema({ description: 'the name in each page language (zh-CN, en)' })
class NameTranslationsDto {
  @Optional() @IsObject() @ValidateNested() @Type(() => NameText) 'zh-CN'?: NameText;
  @Optional() @IsObject() @ValidateNested() @Type(() => NameText) en?: NameText;
}
@JSONSchema({ description: 'the title in each page language (zh-CN, en)' })
class TitleTranslationsDto {
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleText) 'zh-CN'?: TitleText;
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleText) en?: TitleText;
}
@JSONSchema({ description: 'the title and summary in each page language (zh-CN, en)' })
class TitleSummaryTranslationsDto {
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleSummaryText) 'zh-CN'?: TitleSummaryText;
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleSummaryText) en?: TitleSummaryText;
}

/** What anonymous participants may do; fields left out keep their current value (or the default). */
export class AudiencePolicyDto implements Partial<AudiencePolicy> {
  @Optional() @IsBoolean() anonymousMayAsk?: boolean;
  @Optional() @IsBoolean() anonymousMayVote?: boolean;
  @Optional() @IsBoolean() anonymousMayRaiseHand?: boolean;
  @JSONSchema({ description: 'anonymous votes one network adds to one question per 10 minutes; more are held for moderators' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  votesPerNetwork?: number;
}

export class CreateEventDto implements NewEvent {
  @Matches(SLUG) id!: string;
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsBoolean() isPublic!: boolean;
  @IsString() @Matches(TIMEZONE) timezone!: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => AudiencePolicyDto) audience?: AudiencePolicyDto;
  @JSONSchema({ description: 'the page language for visitors whose browser asks for neither zh-CN nor en' })
  @Optional()
  @IsIn(CONTENT_LOCALES)
  defaultLocale?: ContentLocale;
  @Optional() @IsObject() @ValidateNested() @Type(() => NameTranslationsDto) translations?: NameTranslationsDto;
}

export class UpdateEventDto implements Partial<NewEvent> {
  @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @Optional() @IsBoolean() isPublic?: boolean;
  @Optional() @IsString() @Matches(TIMEZONE) timezone?: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => AudiencePolicyDto) audience?: AudiencePolicyDto;
  @Optional() @IsIn(CONTENT_LOCALES) defaultLocale?: ContentLocale;
  @Optional() @IsObject() @ValidateNested() @Type(() => NameTranslationsDto) translations?: NameTranslationsDto;
}

/** A stage's languages: what the floor speaks, its interpretation channels, the floor's level under them. */
class StageLanguageFields {
  @JSONSchema({ description: 'the language spoken on the stage (BCP 47, e.g. zh or en-GB)' })
  @Optional()
  @IsString()
  @Matches(LANGUAGE_TAG)
  floorLanguage?: string;
  @JSONSchema({
    description:
      "interpretation channels (BCP 47 tags, distinct, not the floor language): one booth each, and one audio rendition each in the stage's HLS stream (`audio-<tag in lower case>`; changing them restarts the HLS encoder behind a discontinuity)",
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_INTERPRETATION_LANGUAGES)
  @IsString({ each: true })
  @Matches(LANGUAGE_TAG, { each: true })
  interpretationLanguages?: string[];
  @JSONSchema({
    description:
      'how loud the floor stays under a chosen language, 0–1 (default 0.2); also the level the HLS audio renditions mix the floor in at',
  })
  @Optional()
  @IsNumber()
  @Min(0)
  @Max(1)
  floorLevel?: number;
}

export class CreateStageDto extends StageLanguageFields implements NewStage {
  @Matches(SLUG)
  @Matches(NOT_A_MEETING_ROOM, { message: `stage ids beginning with ${MEETING_ROOM_PREFIX} are kept for the desk's meeting rooms` })
  id!: string;
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => NameTranslationsDto) translations?: NameTranslationsDto;
}

export class UpdateStageDto extends StageLanguageFields {
  @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => NameTranslationsDto) translations?: NameTranslationsDto;
}

export class CreateSpeakerDto implements NewSpeaker {
  @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @IsString() @MaxLength(120) title!: string;
  @IsString() @MaxLength(200) organisation!: string;
  @IsIn(['on-site', 'remote']) presence!: 'on-site' | 'remote';
}

export class UpdateSpeakerDto implements Partial<NewSpeaker> {
  @Optional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @Optional() @IsString() @MaxLength(120) title?: string;
  @Optional() @IsString() @MaxLength(200) organisation?: string;
  @Optional() @IsIn(['on-site', 'remote']) presence?: 'on-site' | 'remote';
}

/** The tech-transfer desk's fields of an achievement; each may be left out. */
class AchievementDeskFields {
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleSummaryTranslationsDto) translations?: TitleSummaryTranslationsDto;
  @Optional() @IsString() @MinLength(1) @MaxLength(80) sector?: string;
  @JSONSchema({ type: 'integer', minimum: 1, maximum: 9, nullable: true, description: 'technology readiness level (TRL)' })
  @Optional()
  @ValidateIf((o: AchievementDeskFields) => o.maturity !== null)
  @IsInt()
  @Min(1)
  @Max(9)
  maturity?: number | null;
  @Optional() @IsIn(IP_STATUSES) ipStatus?: IpStatus;
  @Optional() @IsArray() @ArrayMaxSize(TRANSFER_MODES.length) @IsIn(TRANSFER_MODES, { each: true }) transferModes?: TransferMode[];
  @JSONSchema({ type: 'string', format: 'uuid', nullable: true, description: "the research team's organisation" })
  @Optional()
  @ValidateIf((o: AchievementDeskFields) => o.organisationId !== null)
  @IsUUID(4)
  organisationId?: string | null;
  @JSONSchema({ type: 'string', format: 'uuid', nullable: true, description: "the team's contact delegate" })
  @Optional()
  @ValidateIf((o: AchievementDeskFields) => o.contactDelegateId !== null)
  @IsUUID(4)
  contactDelegateId?: string | null;
}

@JSONSchema({ required: ['title', 'institution', 'field', 'summary', 'contact', 'sessionId'] })
export class CreateAchievementDto extends AchievementDeskFields implements NewAchievement {
  @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @IsString() @MinLength(1) @MaxLength(200) institution!: string;
  @IsString() @MinLength(1) @MaxLength(120) field!: string;
  @IsString() @MaxLength(4000) summary!: string;
  @IsString() @MaxLength(200) contact!: string;
  /** The achievement-release session presenting it, or null. */
  @JSONSchema({ type: 'string', format: 'uuid', nullable: true, description: 'the achievement-release session presenting it, or null' })
  @ValidateIf((o: CreateAchievementDto) => o.sessionId !== null)
  @IsUUID(4)
  sessionId!: string | null;
}

export class UpdateAchievementDto extends AchievementDeskFields implements Partial<NewAchievement> {
  @Optional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @Optional() @IsString() @MinLength(1) @MaxLength(200) institution?: string;
  @Optional() @IsString() @MinLength(1) @MaxLength(120) field?: string;
  @Optional() @IsString() @MaxLength(4000) summary?: string;
  @Optional() @IsString() @MaxLength(200) contact?: string;
  @JSONSchema({ type: 'string', format: 'uuid', nullable: true })
  @Optional()
  @ValidateIf((o: UpdateAchievementDto) => o.sessionId !== null)
  @IsUUID(4)
  sessionId?: string | null;
}

export class CreateSessionDto implements NewSession {
  @Matches(SLUG) stageId!: string;
  @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleTranslationsDto) translations?: TitleTranslationsDto;
  @IsIn(SESSION_KINDS) kind!: SessionKind;
  @IsArray() @ArrayMaxSize(20) @IsUUID(4, { each: true }) speakerIds!: string[];
  @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) plannedStart!: string;
  @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) plannedEnd!: string;
}

export class UpdateSessionDto implements Partial<NewSession> {
  @Optional() @Matches(SLUG) stageId?: string;
  @Optional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @Optional() @IsObject() @ValidateNested() @Type(() => TitleTranslationsDto) translations?: TitleTranslationsDto;
  @Optional() @IsIn(SESSION_KINDS) kind?: SessionKind;
  @Optional() @IsArray() @ArrayMaxSize(20) @IsUUID(4, { each: true }) speakerIds?: string[];
  @Optional() @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) plannedStart?: string;
  @Optional() @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) plannedEnd?: string;
}

export class AgendaQuery {
  @Optional() @Matches(SLUG) stageId?: string;
}
