import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import {
  AGREEMENT_TYPES,
  type AgreementType,
  INTEREST_TARGETS,
  type InterestTarget,
  MEETING_MODES,
  type MeetingMode,
  ORGANISATION_KINDS,
  type OrganisationKind,
} from '../../store/deskRecords';
import { Optional } from '../../validation';
import { EventParams } from '../params';

/** ISO 8601 date-time with an explicit zone, as the agenda's. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const zoneMessage = '$property must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:30:00+08:00';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

export class CreateOrganisationDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsIn(ORGANISATION_KINDS) kind!: OrganisationKind;
  @Optional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(80, { each: true }) sectors?: string[];
}

export class InviteDelegateDto {
  @IsUUID(4) organisationId!: string;
  @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @Optional() @IsString() @MaxLength(120) title?: string;
  @Optional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(80, { each: true }) sectors?: string[];
  @JSONSchema({ description: 'how long the link works; default 72' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(720)
  expiresInHours?: number;
}

export class AcceptInviteDto {
  /** The code from the invite link. */
  @IsString() @Matches(/^[A-Za-z0-9_-]{43}$/, { message: '$property must be an invite code' }) code!: string;
}

@JSONSchema({ required: ['title', 'sector', 'problem', 'budgetMin', 'budgetMax', 'currency', 'wantedBy'] })
export class CreateNeedDto {
  @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @IsString() @MinLength(1) @MaxLength(80) sector!: string;
  @IsString() @MinLength(1) @MaxLength(4000) problem!: string;
  @IsInt() @Min(0) @Max(1e12) budgetMin!: number;
  @IsInt() @Min(0) @Max(1e12) budgetMax!: number;
  @IsString() @Matches(CURRENCY, { message: '$property must be an ISO 4217 code such as CNY' }) currency!: string;
  @IsString() @Matches(DATE) @IsISO8601({ strict: true }) wantedBy!: string;
  @JSONSchema({ type: 'integer', minimum: 1, maximum: 9, nullable: true, description: 'the lowest TRL that would do' })
  @Optional()
  @ValidateIf((o: CreateNeedDto) => o.maturityWanted !== null)
  @IsInt()
  @Min(1)
  @Max(9)
  maturityWanted?: number | null;
}

export class TargetRefDto {
  @IsIn(INTEREST_TARGETS) kind!: InterestTarget;
  @IsUUID(4) id!: string;
}

export class ExpressInterestDto {
  @IsObject() @ValidateNested() @Type(() => TargetRefDto) target!: TargetRefDto;
  @Optional() @IsString() @MaxLength(1000) note?: string;
}

export class AnswerDeskRequestDto {
  @IsIn(['accept', 'decline']) action!: 'accept' | 'decline';
  @Optional() @IsString() @MaxLength(1000) note?: string;
}

@JSONSchema({ required: ['start', 'end', 'mode'] })
export class SlotDto {
  @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) start!: string;
  @IsISO8601({ strict: true }) @Matches(ISO_WITH_ZONE, { message: zoneMessage }) end!: string;
  @IsIn(MEETING_MODES) mode!: MeetingMode;
  @JSONSchema({ type: 'string', nullable: true, description: "the on-site table's label; null or absent online" })
  @Optional()
  @ValidateIf((o: SlotDto) => o.table !== null)
  @IsString()
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u, { message: '$property must be a short table label' })
  table?: string | null;
}

export class PublishSlotsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SlotDto)
  slots!: SlotDto[];
}

export class RequestMeetingDto {
  @IsUUID(4) slotId!: string;
  @Optional() @IsString() @MaxLength(1000) note?: string;
  @JSONSchema({ description: 'the achievement or need the meeting is about' })
  @Optional()
  @ValidateIf((o: RequestMeetingDto) => o.about !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => TargetRefDto)
  about?: TargetRefDto | null;
}

export class CancelMeetingDto {
  @IsString() @MinLength(1) @MaxLength(1000) note!: string;
}

@JSONSchema({ required: ['achievementId', 'companyOrganisationId', 'type'] })
export class RecordAgreementDto {
  @IsUUID(4) achievementId!: string;
  @IsUUID(4) companyOrganisationId!: string;
  @Optional() @IsUUID(4) teamOrganisationId?: string;
  @IsIn(AGREEMENT_TYPES) type!: AgreementType;
  @JSONSchema({ type: 'number', nullable: true })
  @Optional()
  @ValidateIf((o: RecordAgreementDto) => o.amount !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e13)
  amount?: number | null;
  @JSONSchema({ type: 'string', nullable: true })
  @Optional()
  @ValidateIf((o: RecordAgreementDto) => o.currency !== null)
  @IsString()
  @Matches(CURRENCY)
  currency?: string | null;
  @JSONSchema({ type: 'string', format: 'uuid', nullable: true })
  @Optional()
  @ValidateIf((o: RecordAgreementDto) => o.signingSessionId !== null)
  @IsUUID(4)
  signingSessionId?: string | null;
}

export class SlotsQuery {
  @Optional() @IsUUID(4) organisationId?: string;
}

export class ReportQuery {
  @Optional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

export class InterestParams extends EventParams {
  @IsUUID(4) interestId!: string;
}

export class MeetingParams extends EventParams {
  @IsUUID(4) meetingId!: string;
}

export class AgreementParams extends EventParams {
  @IsUUID(4) agreementId!: string;
}
