import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEventType } from '../store/integrationRecords';
import { type PendingDelivery, toEntry } from './pending';

/** Entries of an endpoint's delivery log kept (pending ones always): older ones are pruned now and then. */
const LOG_KEEP = 1000;
/** One publish in this many prunes its endpoints' logs: the cost of listing a log is spread thin. */
const PRUNE_EVERY = 100;

/** Largest body sent (issue 19): a larger change is sent without its data, which receivers then fetch. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** What a change is about: its event, and its stage when it has one (the sequence numbers are per stage). */
export interface ChangeSubject {
  eventId: string;
  stageId: string | null;
}

/** The JSON body of every webhook. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  eventId: string;
  stageId: string | null;
  /** 1, 2, 3 … per stage across every type, so a receiver can order a stage's messages; null without a stage. */
  sequence: number | null;
  data: unknown;
  /** Present (true) when `data` was dropped to keep the body within 64 KB. */
  truncated?: boolean;
}

function messageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

/**
 * Turns a change into outbox entries, one per endpoint of its event that wants its type, written in one
 * atomic step (Store.outbox.add); then the endpoints' delivery logs show them as pending. What is in the
 * outbox is delivered at least once, whatever happens to this node (WebhookDispatcher).
 */
export class WebhookPublisher {
  readonly #logger: Logger;
  #published = 0;

  constructor(
    private readonly store: Store,
    private readonly wake: () => void,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'WebhookPublisher' });
  }

  async publish(type: WebhookEventType, subject: ChangeSubject, data: unknown): Promise<number> {
    const endpoints = (await this.store.collection('webhookEndpoints').list(subject.eventId)).filter(
      (e) => e.enabled && (e.types.length === 0 || e.types.includes(type)),
    );
    if (endpoints.length === 0) return 0;
    const sequence = subject.stageId === null ? null : await this.store.outbox.nextSequence(`${subject.eventId}/${subject.stageId}`);
    const payload = bodyOf({ type, timestamp: new Date().toISOString(), ...subject, sequence, data });
    const id = messageId();
    const now = Date.now();
    const pending = endpoints.map((endpoint) => pendingFor(endpoint, id, type, payload, now));
    await this.store.outbox.add(pending.map((p) => toEntry(p, now)));
    this.wake();
    // The log is for people; the outbox alone decides delivery (a lost log row is written by the next attempt).
    await Promise.all(pending.map((p) => this.store.collection('webhookDeliveries').put(logRecord(p, now)))).catch((error: unknown) =>
      this.#logger.warn({ err: error, type }, 'publish() | delivery log not written'),
    );
    if (++this.#published % PRUNE_EVERY === 0) {
      for (const endpoint of endpoints)
        await this.#prune(endpoint.id).catch((error: unknown) => this.#logger.warn({ err: error }, 'prune() | failed'));
    }
    return pending.length;
  }

  /** Keeps the newest LOG_KEEP finished entries of an endpoint's log. */
  async #prune(endpointId: string): Promise<void> {
    const deliveries = this.store.collection('webhookDeliveries');
    const finished = (await deliveries.list(endpointId)).filter((d) => d.status !== 'pending');
    if (finished.length <= LOG_KEEP) return;
    finished.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    for (const old of finished.slice(LOG_KEEP)) await deliveries.delete(endpointId, old.id);
  }

  /** Sends a logged message again, with the same `webhook-id` (receivers that had it drop it), from a first attempt. */
  async redeliver(delivery: WebhookDeliveryRecord): Promise<WebhookDeliveryRecord> {
    const now = Date.now();
    const pending: PendingDelivery = {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      eventId: delivery.eventId,
      messageId: delivery.messageId,
      type: delivery.type,
      payload: delivery.payload,
      attempts: 0,
      firstAtMs: now,
    };
    await this.store.outbox.add([toEntry(pending, now)]);
    this.wake();
    const record: WebhookDeliveryRecord = { ...delivery, status: 'pending', nextAttemptAt: new Date(now).toISOString(), lastError: null };
    await this.store.collection('webhookDeliveries').put(record);
    return record;
  }
}

function bodyOf(payload: WebhookPayload): string {
  const body = JSON.stringify(payload);
  if (Buffer.byteLength(body) <= MAX_PAYLOAD_BYTES) return body;
  return JSON.stringify({ ...payload, data: null, truncated: true });
}

function pendingFor(
  endpoint: WebhookEndpointRecord,
  messageId: string,
  type: WebhookEventType,
  payload: string,
  now: number,
): PendingDelivery {
  return {
    deliveryId: randomUUID(),
    endpointId: endpoint.id,
    eventId: endpoint.eventId,
    messageId,
    type,
    payload,
    attempts: 0,
    firstAtMs: now,
  };
}

export function logRecord(p: PendingDelivery, now: number): WebhookDeliveryRecord {
  return {
    id: p.deliveryId,
    endpointId: p.endpointId,
    eventId: p.eventId,
    messageId: p.messageId,
    type: p.type,
    payload: p.payload,
    status: 'pending',
    attempts: p.attempts,
    createdAt: new Date(p.firstAtMs).toISOString(),
    lastAttemptAt: null,
    lastStatus: null,
    lastError: null,
    nextAttemptAt: new Date(now).toISOString(),
    deliveredAt: null,
  };
}
