import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { WebhookEndpointRecord } from '../store/integrationRecords';

/** A new endpoint secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The Standard Webhooks headers of one attempt. While a rotated-out secret is still in its overlap,
 * the message carries a signature by each (space-separated), so a receiver verifies with whichever
 * secret it holds.
 */
export function signHeaders(
  endpoint: Pick<WebhookEndpointRecord, 'secret' | 'previousSecret' | 'previousSecretUntil'>,
  messageId: string,
  body: string,
  at: Date,
): SignedHeaders {
  const secrets = [endpoint.secret];
  if (
    endpoint.previousSecret !== null &&
    endpoint.previousSecretUntil !== null &&
    Date.parse(endpoint.previousSecretUntil) > at.getTime()
  ) {
    secrets.push(endpoint.previousSecret);
  }
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
