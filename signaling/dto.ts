import { Type } from 'class-transformer';
import { MODERATION_ACTIONS, type ModerationAction } from '../server/conference/views';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsFlatRecord, LANGUAGE_TAG, Optional, SLUG } from '../server/validation';

const MIME = /^(audio|video)\/[A-Za-z0-9.+-]{1,32}$/;
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}$/;

export { EmptyDto } from '../server/validation';

export class JoinDto {
  @IsString() @Matches(SLUG, { message: 'stageId must be a slug (a-z, 0-9, -)' }) stageId!: string;
  @Optional() @IsBoolean() recvTransport?: boolean;
}

export class ResumeDto {
  @IsUUID(4) peerId!: string;
}

export class CreateTransportDto {
  @IsIn(['send', 'recv']) direction!: 'send' | 'recv';
}

export class DtlsFingerprintDto {
  @IsIn(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']) algorithm!: 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';
  @IsString() @Matches(FINGERPRINT) value!: string;
}

export class DtlsParametersDto {
  @Optional() @IsIn(['auto', 'client', 'server']) role?: 'auto' | 'client' | 'server';
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => DtlsFingerprintDto)
  fingerprints!: DtlsFingerprintDto[];
}

export class ConnectTransportDto {
  @IsUUID(4) transportId!: string;
  @IsObject() @ValidateNested() @Type(() => DtlsParametersDto) dtlsParameters!: DtlsParametersDto;
}

export class RestartIceDto {
  @IsUUID(4) transportId!: string;
}

export class RtcpFeedbackDto {
  @IsString() @MaxLength(32) type!: string;
  @Optional() @IsString() @MaxLength(32) parameter?: string;
}

export class RtpCodecParametersDto {
  @IsString() @Matches(MIME) mimeType!: string;
  @IsInt() @Min(0) @Max(127) payloadType!: number;
  @IsInt() @Min(1) @Max(1_000_000) clockRate!: number;
  @Optional() @IsInt() @Min(1) @Max(8) channels?: number;
  @Optional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
  @Optional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtcpFeedbackDto)
  rtcpFeedback?: RtcpFeedbackDto[];
}

export class RtpHeaderExtensionParametersDto {
  @IsString() @MaxLength(256) uri!: string;
  @IsInt() @Min(1) @Max(255) id!: number;
  @Optional() @IsBoolean() encrypt?: boolean;
  @Optional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
}

export class RtxDto {
  @IsInt() @Min(0) @Max(0xffffffff) ssrc!: number;
}

export class RtpEncodingParametersDto {
  @Optional() @IsInt() @Min(0) @Max(0xffffffff) ssrc?: number;
  @Optional() @IsString() @MaxLength(32) rid?: string;
  @Optional() @IsInt() @Min(0) @Max(127) codecPayloadType?: number;
  @Optional() @IsObject() @ValidateNested() @Type(() => RtxDto) rtx?: RtxDto;
  @Optional() @IsBoolean() dtx?: boolean;
  @Optional() @IsString() @MaxLength(16) scalabilityMode?: string;
  @Optional() @IsNumber() @Min(1) @Max(64) scaleResolutionDownBy?: number;
  @Optional() @IsInt() @Min(1) @Max(100_000_000) maxBitrate?: number;
  @Optional() @IsNumber() @Min(0) @Max(240) maxFramerate?: number;
  @Optional() @IsBoolean() adaptivePtime?: boolean;
  @Optional() @IsBoolean() active?: boolean;
  @Optional() @IsIn(['very-low', 'low', 'medium', 'high']) priority?: string;
  @Optional() @IsIn(['very-low', 'low', 'medium', 'high']) networkPriority?: string;
}

export class RtcpParametersDto {
  @Optional() @IsString() @MaxLength(256) cname?: string;
  @Optional() @IsBoolean() reducedSize?: boolean;
  @Optional() @IsBoolean() mux?: boolean;
}

export class RtpParametersDto {
  @Optional() @IsString() @MaxLength(32) mid?: string;
  /** Sent by current mediasoup-client releases; the 3.8 server does not use it and it is dropped. */
  @Optional() @IsString() @MaxLength(128) msid?: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtpCodecParametersDto)
  codecs!: RtpCodecParametersDto[];
  @Optional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtpHeaderExtensionParametersDto)
  headerExtensions?: RtpHeaderExtensionParametersDto[];
  @Optional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtpEncodingParametersDto)
  encodings?: RtpEncodingParametersDto[];
  @Optional() @IsObject() @ValidateNested() @Type(() => RtcpParametersDto) rtcp?: RtcpParametersDto;
}

export class ProduceDto {
  @IsUUID(4) transportId!: string;
  @IsIn(['audio', 'video']) kind!: 'audio' | 'video';
  @IsObject() @ValidateNested() @Type(() => RtpParametersDto) rtpParameters!: RtpParametersDto;
  @IsIn(['camera', 'screen', 'interpretation']) source!: 'camera' | 'screen' | 'interpretation';
  /** Only with source interpretation: the channel, a BCP 47 tag (checked against the token and the stage). */
  @Optional() @IsString() @Matches(LANGUAGE_TAG) language?: string;
}

export class RtpCodecCapabilityDto {
  @IsIn(['audio', 'video']) kind!: 'audio' | 'video';
  @IsString() @Matches(MIME) mimeType!: string;
  @Optional() @IsInt() @Min(0) @Max(127) preferredPayloadType?: number;
  @IsInt() @Min(1) @Max(1_000_000) clockRate!: number;
  @Optional() @IsInt() @Min(1) @Max(8) channels?: number;
  @Optional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
  @Optional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtcpFeedbackDto)
  rtcpFeedback?: RtcpFeedbackDto[];
}

export class RtpHeaderExtensionDto {
  @Optional() @IsIn(['audio', 'video', '']) kind?: 'audio' | 'video' | '';
  @IsString() @MaxLength(256) uri!: string;
  @IsInt() @Min(1) @Max(255) preferredId!: number;
  @Optional() @IsBoolean() preferredEncrypt?: boolean;
  @Optional() @IsIn(['sendrecv', 'sendonly', 'recvonly', 'inactive']) direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

export class RtpCapabilitiesDto {
  @Optional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtpCodecCapabilityDto)
  codecs?: RtpCodecCapabilityDto[];
  @Optional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RtpHeaderExtensionDto)
  headerExtensions?: RtpHeaderExtensionDto[];
}

export class ConsumeDto {
  @IsUUID(4) producerId!: string;
  /** Checked against RtpCapabilitiesDto by the handler, once per distinct value (signaling/capabilities.ts). */
  @IsObject() rtpCapabilities!: object;
}

export class ConsumeEntryDto {
  @IsUUID(4) producerId!: string;
  @IsBoolean() paused!: boolean;
}

/** At most this many producers in one consumeMany: a stage's sources with room to spare, under the per-peer cap. */
export const MAX_CONSUME_MANY = 16;

export class ConsumeManyDto {
  /** Checked against RtpCapabilitiesDto by the handler, once per distinct value (signaling/capabilities.ts). */
  @IsObject() rtpCapabilities!: object;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONSUME_MANY)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ConsumeEntryDto)
  consumers!: ConsumeEntryDto[];
}

export class ConsumerRefDto {
  @IsUUID(4) consumerId!: string;
}

export class ProducerRefDto {
  @IsUUID(4) producerId!: string;
}

export class PreferredLayersDto {
  @IsUUID(4) consumerId!: string;
  @IsInt() @Min(0) @Max(3) spatialLayer!: number;
  @Optional() @IsInt() @Min(0) @Max(3) temporalLayer?: number;
}

export class SessionRefDto {
  @IsUUID(4) sessionId!: string;
}

export class QuestionRefDto extends SessionRefDto {
  @IsUUID(4) questionId!: string;
}

export class SubmitQuestionSocketDto extends SessionRefDto {
  /** 1–500 characters once cleaned of invisible and control characters (checked by the Q&A service). */
  @IsString() @MaxLength(2000) text!: string;
}

export class ModerateQuestionSocketDto extends QuestionRefDto {
  @IsIn(MODERATION_ACTIONS) action!: ModerationAction;
}

export class AnswerHandSocketDto extends SessionRefDto {
  @IsUUID(4) handId!: string;
  @IsIn(['accept', 'lower']) action!: 'accept' | 'lower';
}
