import type { WebhookEventType } from '../store/integrationRecords';
import type { OutboxEntry } from '../store/Outbox';

/** What the outbox holds for one message to one endpoint: everything an attempt needs, and how far it got. */
export interface PendingDelivery {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  messageId: string;
  type: WebhookEventType;
  payload: string;
  /** Attempts made so far. */
  attempts: number;
  /** When it was first due: retries stop this long after (RetryPolicy.giveUpAfterMs). */
  firstAtMs: number;
}

export function toEntry(pending: PendingDelivery, dueAtMs: number): OutboxEntry {
  return { id: pending.deliveryId, dueAtMs, data: JSON.stringify(pending) };
}

/** The delivery an outbox entry holds; null for a body this code did not write. */
export function fromEntry(entry: OutboxEntry): PendingDelivery | null {
  try {
    const value: unknown = JSON.parse(entry.data);
    if (typeof value !== 'object' || value === null || !('deliveryId' in value) || !('endpointId' in value)) return null;
    return value as PendingDelivery;
  } catch {
    return null;
  }
}
