import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEventType } from '../store/integrationRecords';
import type { CommittedChanges } from '../conference/ConferenceBus';
import { messagesOf, type WebhookMessage } from './eventSources';
import { type PendingDelivery, toEntry } from './pending';

/** Entries of an endpoint's delivery log kept (pending ones always): older ones are pruned now and then. */
const LOG_KEEP = 1000;
/** One publish in this many prunes its endpoints' logs: the cost of listing a log is spread thin. */
const PRUNE_EVERY = 100;

/** Largest body sent (issue 19): a larger change is sent without its data, which receivers then fetch. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

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
 * Turns messages into outbox entries, one per endpoint of its event that wants its type, written in one
 * atomic step; then the endpoints' delivery logs show them as pending. What is in the outbox is delivered
 * at least once, whatever happens to this node (WebhookDispatcher).
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

  /** A message with no stored change behind it (an alert, an encoder): its outbox entries are its only write. */
  async publish(message: WebhookMessage): Promise<number> {
    const pending = await this.#pending([message]);
    if (pending.length === 0) return 0;
    await this.store.outbox.add(pending.map((p) => toEntry(p, p.firstAtMs)));
    await this.#added(pending);
    return pending.length;
  }

  /**
   * Replaces committed conference changes in the outbox by their messages' deliveries, in one atomic step
   * that happens once in the cluster: false when another node did it first (or the entry is gone).
   */
  async fanOut(committed: CommittedChanges): Promise<boolean> {
    const pending = await this.#pending(committed.changes.flatMap(messagesOf));
    const replaced = await this.store.outbox.replace(
      { id: committed.entryId, dueAtMs: committed.dueAtMs },
      pending.map((p) => toEntry(p, p.firstAtMs)),
    );
    if (replaced && pending.length > 0) await this.#added(pending);
    return replaced;
  }

  /** One delivery per message and endpoint of its event that wants its type. */
  async #pending(messages: readonly WebhookMessage[]): Promise<PendingDelivery[]> {
    const pending: PendingDelivery[] = [];
    for (const { type, subject, data } of messages) {
      const endpoints = (await this.store.collection('webhookEndpoints').list(subject.eventId)).filter(
        (e) => e.enabled && (e.types.length === 0 || e.types.includes(type)),
      );
      if (endpoints.length === 0) continue;
      const sequence = subject.stageId === null ? null : await this.store.outbox.nextSequence(`${subject.eventId}/${subject.stageId}`);
      const payload = bodyOf({ type, timestamp: new Date().toISOString(), ...subject, sequence, data });
      const id = messageId();
      const now = Date.now();
      pending.push(...endpoints.map((endpoint) => pendingFor(endpoint, id, type, payload, now)));
    }
    return pending;
  }

  /** Once deliveries are in the outbox: the dispatcher is woken and the endpoints' logs show them. */
  async #added(pending: readonly PendingDelivery[]): Promise<void> {
    this.wake();
    // The log is for people; the outbox alone decides delivery (a lost log row is written by the next attempt).
    await Promise.all(pending.map((p) => this.store.collection('webhookDeliveries').put(logRecord(p, p.firstAtMs)))).catch(
      (error: unknown) => this.#logger.warn({ err: error, type: pending[0]?.type }, 'delivery log not written'),
    );
    if (++this.#published % PRUNE_EVERY === 0) {
      for (const endpointId of new Set(pending.map((p) => p.endpointId)))
        await this.#prune(endpointId).catch((error: unknown) => this.#logger.warn({ err: error }, 'prune() | failed'));
    }
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
