import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsFlatRecord, SLUG } from '../server/validation';

const MIME = /^(audio|video)\/[A-Za-z0-9.+-]{1,32}$/;
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}$/;

export { EmptyDto } from '../server/validation';

export class JoinDto {
  @IsString() @Matches(SLUG, { message: 'stageId must be a slug (a-z, 0-9, -)' }) stageId!: string;
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
  @IsOptional() @IsIn(['auto', 'client', 'server']) role?: 'auto' | 'client' | 'server';
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(8) @ValidateNested({ each: true }) @Type(() => DtlsFingerprintDto)
  fingerprints!: DtlsFingerprintDto[];
}

export class ConnectTransportDto {
  @IsUUID(4) transportId!: string;
  @ValidateNested() @Type(() => DtlsParametersDto) dtlsParameters!: DtlsParametersDto;
}

export class RestartIceDto {
  @IsUUID(4) transportId!: string;
}

export class RtcpFeedbackDto {
  @IsString() @MaxLength(32) type!: string;
  @IsOptional() @IsString() @MaxLength(32) parameter?: string;
}

export class RtpCodecParametersDto {
  @IsString() @Matches(MIME) mimeType!: string;
  @IsInt() @Min(0) @Max(127) payloadType!: number;
  @IsInt() @Min(1) @Max(1_000_000) clockRate!: number;
  @IsOptional() @IsInt() @Min(1) @Max(8) channels?: number;
  @IsOptional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
  @IsOptional() @IsArray() @ArrayMaxSize(16) @ValidateNested({ each: true }) @Type(() => RtcpFeedbackDto)
  rtcpFeedback?: RtcpFeedbackDto[];
}

export class RtpHeaderExtensionParametersDto {
  @IsString() @MaxLength(256) uri!: string;
  @IsInt() @Min(1) @Max(255) id!: number;
  @IsOptional() @IsBoolean() encrypt?: boolean;
  @IsOptional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
}

export class RtxDto {
  @IsInt() @Min(0) @Max(0xffffffff) ssrc!: number;
}

export class RtpEncodingParametersDto {
  @IsOptional() @IsInt() @Min(0) @Max(0xffffffff) ssrc?: number;
  @IsOptional() @IsString() @MaxLength(32) rid?: string;
  @IsOptional() @IsInt() @Min(0) @Max(127) codecPayloadType?: number;
  @IsOptional() @ValidateNested() @Type(() => RtxDto) rtx?: RtxDto;
  @IsOptional() @IsBoolean() dtx?: boolean;
  @IsOptional() @IsString() @MaxLength(16) scalabilityMode?: string;
  @IsOptional() @IsNumber() @Min(1) @Max(64) scaleResolutionDownBy?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) maxBitrate?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(240) maxFramerate?: number;
  @IsOptional() @IsBoolean() adaptivePtime?: boolean;
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsIn(['very-low', 'low', 'medium', 'high']) priority?: string;
  @IsOptional() @IsIn(['very-low', 'low', 'medium', 'high']) networkPriority?: string;
}

export class RtcpParametersDto {
  @IsOptional() @IsString() @MaxLength(256) cname?: string;
  @IsOptional() @IsBoolean() reducedSize?: boolean;
  @IsOptional() @IsBoolean() mux?: boolean;
}

export class RtpParametersDto {
  @IsOptional() @IsString() @MaxLength(32) mid?: string;
  /** Sent by current mediasoup-client releases; the 3.8 server does not use it and it is dropped. */
  @IsOptional() @IsString() @MaxLength(128) msid?: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(16) @ValidateNested({ each: true }) @Type(() => RtpCodecParametersDto)
  codecs!: RtpCodecParametersDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(32) @ValidateNested({ each: true }) @Type(() => RtpHeaderExtensionParametersDto)
  headerExtensions?: RtpHeaderExtensionParametersDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(8) @ValidateNested({ each: true }) @Type(() => RtpEncodingParametersDto)
  encodings?: RtpEncodingParametersDto[];
  @IsOptional() @ValidateNested() @Type(() => RtcpParametersDto) rtcp?: RtcpParametersDto;
}

export class ProduceDto {
  @IsUUID(4) transportId!: string;
  @IsIn(['audio', 'video']) kind!: 'audio' | 'video';
  @ValidateNested() @Type(() => RtpParametersDto) rtpParameters!: RtpParametersDto;
  @IsIn(['camera', 'screen']) source!: 'camera' | 'screen';
}

export class RtpCodecCapabilityDto {
  @IsIn(['audio', 'video']) kind!: 'audio' | 'video';
  @IsString() @Matches(MIME) mimeType!: string;
  @IsOptional() @IsInt() @Min(0) @Max(127) preferredPayloadType?: number;
  @IsInt() @Min(1) @Max(1_000_000) clockRate!: number;
  @IsOptional() @IsInt() @Min(1) @Max(8) channels?: number;
  @IsOptional() @IsFlatRecord() parameters?: Record<string, string | number | boolean>;
  @IsOptional() @IsArray() @ArrayMaxSize(16) @ValidateNested({ each: true }) @Type(() => RtcpFeedbackDto)
  rtcpFeedback?: RtcpFeedbackDto[];
}

export class RtpHeaderExtensionDto {
  @IsOptional() @IsIn(['audio', 'video', '']) kind?: 'audio' | 'video' | '';
  @IsString() @MaxLength(256) uri!: string;
  @IsInt() @Min(1) @Max(255) preferredId!: number;
  @IsOptional() @IsBoolean() preferredEncrypt?: boolean;
  @IsOptional() @IsIn(['sendrecv', 'sendonly', 'recvonly', 'inactive']) direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

export class RtpCapabilitiesDto {
  @IsOptional() @IsArray() @ArrayMaxSize(64) @ValidateNested({ each: true }) @Type(() => RtpCodecCapabilityDto)
  codecs?: RtpCodecCapabilityDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(64) @ValidateNested({ each: true }) @Type(() => RtpHeaderExtensionDto)
  headerExtensions?: RtpHeaderExtensionDto[];
}

export class ConsumeDto {
  @IsUUID(4) producerId!: string;
  @ValidateNested() @Type(() => RtpCapabilitiesDto) rtpCapabilities!: RtpCapabilitiesDto;
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
  @IsOptional() @IsInt() @Min(0) @Max(3) temporalLayer?: number;
}

export class SessionRefDto {
  @IsUUID(4) sessionId!: string;
}

export class QuestionRefDto extends SessionRefDto {
  @IsUUID(4) questionId!: string;
}

export class SubmitQuestionSocketDto extends SessionRefDto {
  /** 1–500 characters once trimmed (checked by the Q&A service). */
  @IsString() @MaxLength(2000) text!: string;
}

export class ModerateQuestionSocketDto extends QuestionRefDto {
  @IsIn(['approve', 'reject', 'pin', 'unpin', 'answer']) action!: 'approve' | 'reject' | 'pin' | 'unpin' | 'answer';
}

export class AnswerHandSocketDto extends SessionRefDto {
  @IsUUID(4) handId!: string;
  @IsIn(['accept', 'lower']) action!: 'accept' | 'lower';
}
