import { JSONSchema } from 'class-validator-jsonschema';
import { IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import type { PublicEventsView, PublicEventView, PublicSessionView, PublicStageView } from '../../conference/publicEventTypes';
import { SESSION_KINDS, type SessionKind } from '../../store/records';
import { SLUG } from '../../validation';

/*
 * The answer of GET /api/public/events, described for the OpenAPI document (the server builds it; it is
 * never validated as input). Nested objects are written as references to the classes below.
 */

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

export class PublicSessionDto implements PublicSessionView {
  @IsUUID(4) id!: string;
  @IsString() title!: string;
  @IsIn(SESSION_KINDS) kind!: SessionKind;
  @IsISO8601() plannedStart!: string;
  @IsISO8601() plannedEnd!: string;
  @IsArray() @IsString({ each: true }) speakers!: string[];
}

export class PublicStageDto implements PublicStageView {
  @Matches(SLUG) id!: string;
  @IsString() name!: string;
  @JSONSchema(() => ({ nullable: true, allOf: [ref('PublicSessionDto')], description: 'the session live now; null: off air' }))
  @ValidateNested()
  live!: PublicSessionDto | null;
  @JSONSchema(() => ({
    nullable: true,
    allOf: [ref('PublicSessionDto')],
    description: 'the next scheduled session still to come, or null',
  }))
  @ValidateNested()
  next!: PublicSessionDto | null;
  @JSONSchema({ description: 'viewers joined to the stage on this node' })
  @IsInt()
  @Min(0)
  viewers!: number;
}

export class PublicEventDto implements PublicEventView {
  @Matches(SLUG) id!: string;
  @IsString() name!: string;
  @IsString() timezone!: string;
  @JSONSchema(() => ({ type: 'array', items: ref('PublicStageDto') }))
  @ValidateNested({ each: true })
  stages!: PublicStageDto[];
}

export class PublicEventsDto implements PublicEventsView {
  @JSONSchema(() => ({ type: 'array', items: ref('PublicEventDto') }))
  @ValidateNested({ each: true })
  events!: PublicEventDto[];
}
