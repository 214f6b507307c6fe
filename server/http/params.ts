import { IsUUID, Matches } from 'class-validator';
import { SLUG } from '../validation';

const message = '$property must be a slug (a-z, 0-9, -)';

export class EventParams {
  @Matches(SLUG, { message }) eventId!: string;
}

export class StageParams extends EventParams {
  @Matches(SLUG, { message }) stageId!: string;
}

export class StreamKeyParams extends StageParams {
  @Matches(/^[0-9a-f]{16}$/, { message: 'keyId must be 16 hex digits' }) keyId!: string;
}

export class ApiKeyParams extends EventParams {
  @Matches(/^[0-9a-f]{16}$/, { message: 'keyId must be 16 hex digits' }) keyId!: string;
}

export class WebhookEndpointParams extends EventParams {
  @Matches(/^[0-9a-f]{16}$/, { message: 'endpointId must be 16 hex digits' }) endpointId!: string;
}

export class WebhookDeliveryParams extends WebhookEndpointParams {
  @IsUUID(4) deliveryId!: string;
}

/** A WHIP or WHEP session's resource. */
export class SdpSessionParams extends StageParams {
  @IsUUID(4) sessionId!: string;
}

export class SessionParams extends EventParams {
  @IsUUID(4) sessionId!: string;
}

export class SpeakerParams extends EventParams {
  @IsUUID(4) speakerId!: string;
}

export class AchievementParams extends EventParams {
  @IsUUID(4) achievementId!: string;
}

export class QuestionParams extends SessionParams {
  @IsUUID(4) questionId!: string;
}

export class HandParams extends SessionParams {
  @IsUUID(4) handId!: string;
}
