import { JSONSchema } from 'class-validator-jsonschema';
import { MODERATION_ACTIONS, type ModerationAction } from '../../conference/views';
import { IsIn, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { Optional } from '../../validation';

/** Source ids: an on-site feed (onsite, onsite-<feed>), or a participant's camera or screen. */
const SOURCE_ID = /^(onsite(-[a-z0-9]{1,16})?|(camera|screen):[A-Za-z0-9-]{1,64})$/;

@JSONSchema({ required: ['sourceId'] })
export class SetProgramDto {
  /** The source to put on air; null takes the program off (viewers then receive every source). */
  @JSONSchema({
    type: 'string',
    nullable: true,
    pattern: SOURCE_ID.source,
    description: 'onsite, onsite-<feed>, camera:<participant> or screen:<participant>; null: no program',
  })
  @ValidateIf((o: SetProgramDto) => o.sourceId !== null)
  @IsString()
  @Matches(SOURCE_ID)
  sourceId!: string | null;
  /** The speaker the lower-third names; default: the live session's first speaker. */
  @Optional() @IsUUID(4) speakerId?: string;
}

export class SubmitQuestionDto {
  /** 1–500 characters once cleaned of invisible and control characters; longer input is refused, not cut. */
  @JSONSchema({ description: '1–500 characters once cleaned of invisible and control characters' })
  @IsString()
  @MaxLength(2000)
  text!: string;
}

export class ModerateQuestionDto {
  @IsIn(MODERATION_ACTIONS) action!: ModerationAction;
}

export class AnswerHandDto {
  @IsIn(['accept', 'lower']) action!: 'accept' | 'lower';
}

export class IngestDto {
  @Optional() @IsIn(['VP8', 'H264']) videoCodec?: 'VP8' | 'H264';
  /** Names a further hall camera: its source id becomes onsite-<feed>. The main feed has none. */
  @Optional() @Matches(/^[a-z0-9]{1,16}$/) feed?: string;
  @Optional() @IsString() @MaxLength(80) label?: string;
}

/** `?feed=<name>`: a further hall camera; the main feed when absent. */
export class IngestQuery {
  @Optional() @Matches(/^[a-z0-9]{1,16}$/) feed?: string;
}

export class JoinEventDto {
  @Optional() @IsString() @MaxLength(80) @Matches(/\S/, { message: 'name must not be blank' }) name?: string;
}
