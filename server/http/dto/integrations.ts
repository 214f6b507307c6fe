import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../../auth/apiKeys';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../store/integrationRecords';
import { Optional } from '../../validation';

export class CreateApiKeyDto {
  /** The key acts with this role's permissions in its event. */
  @IsIn(API_KEY_ROLES) role!: ApiKeyRole;
  /** Who holds it, e.g. "Provincial platform, production". */
  @IsString() @MaxLength(80) @Matches(/\S/, { message: 'label must not be blank' }) label!: string;
}

// Only http(s), a host with a dot or an address (a bare name such as `localhost` is a test's, allowed by require_tld false).
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: false };

export class CreateWebhookEndpointDto {
  @IsUrl(URL_OPTIONS) @MaxLength(2000) url!: string;
  /** The types sent; all when absent or empty. */
  @Optional() @IsArray() @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @IsIn(WEBHOOK_EVENT_TYPES, { each: true }) types?: WebhookEventType[];
  @Optional() @IsString() @MaxLength(200) description?: string;
}

export class UpdateWebhookEndpointDto {
  @Optional() @IsUrl(URL_OPTIONS) @MaxLength(2000) url?: string;
  @Optional() @IsArray() @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @IsIn(WEBHOOK_EVENT_TYPES, { each: true }) types?: WebhookEventType[];
  @Optional() @IsString() @MaxLength(200) description?: string;
  @Optional() @IsBoolean() enabled?: boolean;
  /** A new secret (answered once); the old one keeps signing too for WEBHOOK_SECRET_OVERLAP_MS. */
  @Optional() @IsBoolean() rotateSecret?: boolean;
}
