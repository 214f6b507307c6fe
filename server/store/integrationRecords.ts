/**
 * Records of the partner integrations: server-to-server API keys and webhook endpoints with their
 * delivery log. The outbox of pending deliveries is not a collection: it needs an atomic claim
 * (server/store/Outbox.ts).
 */

/** A key a partner's server calls the API with (`Authorization: Bearer sck_…`). Only a SHA-256 of its secret is kept. */
export interface ApiKeyRecord {
  /** 16 hex digits; the key reads `sck_<eventId>.<id>.<secret>`. */
  id: string;
  eventId: string;
  /** What the key may do: the permissions of this role (server/auth/permissions.ts). */
  role: 'moderator' | 'host' | 'ops' | 'admin';
  label: string;
  secretHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/**
 * When a key was last used, apart from the key so that writing it can never undo a revocation made
 * meanwhile. Written at most once a minute per key and node: a hint for admins, not an audit log.
 */
export interface ApiKeyUseRecord {
  /** The key's id. */
  id: string;
  eventId: string;
  lastUsedAt: string;
}

export const WEBHOOK_EVENT_TYPES = [
  'stage.live',
  'stage.ended',
  'program.changed',
  'session.started',
  'session.ended',
  'question.approved',
  'question.answered',
  'hand.accepted',
  'recording.ready',
  'meeting.requested',
  'meeting.accepted',
  'meeting.declined',
  'meeting.cancelled',
  'agreement.signed',
  'alert.raised',
  'alert.cleared',
  'ingest.connected',
  'ingest.disconnected',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where an event's changes are posted, signed per Standard Webhooks. */
export interface WebhookEndpointRecord {
  /** 16 hex digits. */
  id: string;
  eventId: string;
  url: string;
  /** The types sent; empty: every type. */
  types: WebhookEventType[];
  description: string;
  enabled: boolean;
  /**
   * `whsec_<base64>`. Kept as it is, not hashed: signing needs it. It is never logged and only shown
   * when the endpoint is created or its secret rotated.
   */
  secret: string;
  /** After a rotation, the old secret keeps signing too (a second signature) until `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  /** Failed attempts in a row; reset by a delivery. */
  consecutiveFailures: number;
  /** Why it was disabled when the delivery code did it (too many failures); null when an admin did, or when enabled. */
  disabledReason: string | null;
  createdAt: string;
  createdBy: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One message to one endpoint, as its delivery log shows it (scope: the endpoint). */
export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  /** The `webhook-id` header: the same on every attempt and every redelivery, so receivers can drop duplicates. */
  messageId: string;
  type: WebhookEventType;
  /** The JSON body sent. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** The receiver's HTTP status at the last attempt; null when it did not answer. */
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface IntegrationCollections {
  apiKeys: ApiKeyRecord;
  apiKeyUses: ApiKeyUseRecord;
  webhookEndpoints: WebhookEndpointRecord;
  webhookDeliveries: WebhookDeliveryRecord;
}
