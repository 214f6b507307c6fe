import { type CommittedChanges, committedChanges } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../store/integrationRecords';
import type { OutboxEntry } from '../store/Outbox';
import { fromEntry, type PendingDelivery, toEntry } from './pending';
import { nextAttemptAt, type RetryPolicy } from './retryPolicy';
import { type SendOutcome, sendWebhook } from './sender';
import { signHeaders } from './signing';
import { logRecord } from './WebhookPublisher';

export interface DispatcherOptions {
  retry: RetryPolicy;
  /** Each attempt's bound (5 s). */
  timeoutMs: number;
  /** How long a claim holds its entries: longer than an attempt, so no other node sends them meanwhile. */
  leaseMs: number;
  /** How often the outbox is looked at besides when this node adds to it (others' retries, a dead node's leases). */
  pollMs: number;
  /** Failed attempts in a row after which an endpoint is disabled. */
  disableAfterFailures: number;
  allowPrivate: boolean;
  /** Entries claimed, and sent concurrently, per round. */
  batch: number;
}

export interface DispatcherHooks {
  /** Told when an endpoint is disabled for failing: ops raise an alert. */
  onDisabled: (endpoint: WebhookEndpointRecord) => void;
  /** Turns claimed conference changes into deliveries (WebhookPublisher.fanOut). */
  fanOut: (changes: CommittedChanges) => Promise<boolean>;
}

/**
 * Delivers what the outbox holds, on every node of a cluster at once: each round claims due entries
 * (the claim leases them atomically, Store.outbox), so each attempt is made by one node. An entry
 * leaves the outbox only once delivered or given up: a node killed mid-attempt leaves it leased, and
 * when the lease runs out any node sends it again, with the same `webhook-id`.
 */
export class WebhookDispatcher {
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** Asked to run again while a round was running. */
  #again = false;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
    private readonly hooks: DispatcherHooks,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'WebhookDispatcher' });
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.pollMs);
    this.wake();
  }

  /** Runs a round now (or right after the current one). */
  wake(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#rounds().finally(() => {
      this.#running = null;
    });
  }

  /** Stops claiming; resolves once the attempts in flight have ended (each within the timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  async #rounds(): Promise<void> {
    try {
      do {
        this.#again = false;
        const entries = await this.store.outbox.claimDue(Date.now(), this.options.leaseMs, this.options.batch);
        const outcomes = await Promise.allSettled(entries.map((entry) => this.#attempt(entry)));
        // An attempt whose bookkeeping failed stays leased in the outbox: it is tried again when the lease runs out.
        for (const outcome of outcomes)
          if (outcome.status === 'rejected') this.#logger.warn({ err: outcome.reason }, 'attempt bookkeeping failed');
        if (entries.length === this.options.batch) this.#again = true;
      } while (this.#again && !this.#closed);
    } catch (error) {
      // The store is away: the next poll tries again; leases keep what was claimed from being lost.
      this.#logger.warn({ err: error }, 'round failed');
    }
  }

  async #attempt(entry: OutboxEntry): Promise<void> {
    const changes = committedChanges(entry);
    if (changes) {
      // Left by a node that did not make messages of them: made here, once (the replace is conditional).
      if (await this.hooks.fanOut(changes)) this.#logger.info({ entry: entry.id }, 'committed changes taken up');
      return;
    }
    const pending = fromEntry(entry);
    if (!pending) {
      this.#logger.error({ entry: entry.id }, 'unreadable outbox entry dropped');
      await this.store.outbox.remove(entry.id);
      return;
    }
    const endpoint = await this.store.collection('webhookEndpoints').get(pending.eventId, pending.endpointId);
    if (!endpoint || !endpoint.enabled) {
      await this.store.outbox.remove(entry.id);
      if (endpoint)
        await this.#log(pending, { status: 'failed', lastError: 'endpoint disabled; send it again once enabled', nextAttemptAt: null });
      return;
    }
    const at = new Date();
    const outcome: SendOutcome = await sendWebhook(
      endpoint.url,
      pending.payload,
      { ...signHeaders(endpoint, pending.messageId, pending.payload, at) },
      {
        timeoutMs: this.options.timeoutMs,
        allowPrivate: this.options.allowPrivate,
      },
    );
    const attempts = pending.attempts + 1;
    const attempted = { attempts, lastAttemptAt: at.toISOString(), lastStatus: outcome.status };
    if (outcome.ok) {
      await this.store.outbox.remove(entry.id);
      await this.#log(pending, {
        ...attempted,
        status: 'delivered',
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: new Date().toISOString(),
      });
      if (endpoint.consecutiveFailures > 0) await this.#endpointOutcome(endpoint, true);
      return;
    }
    this.#logger.info({ endpoint: endpoint.id, delivery: pending.deliveryId, attempts, error: outcome.error }, 'attempt failed');
    const due = nextAttemptAt(this.options.retry, attempts, pending.firstAtMs, Date.now());
    if (due === null) await this.store.outbox.remove(entry.id);
    else await this.store.outbox.reschedule(toEntry({ ...pending, attempts }, due));
    await this.#log(pending, {
      ...attempted,
      status: due === null ? 'failed' : 'pending',
      lastError: outcome.error,
      nextAttemptAt: due === null ? null : new Date(due).toISOString(),
    });
    await this.#endpointOutcome(endpoint, false);
  }

  /** Counts failures in a row, read afresh so an admin's change made meanwhile is kept; disables past the limit. */
  async #endpointOutcome(seen: WebhookEndpointRecord, delivered: boolean): Promise<void> {
    const endpoints = this.store.collection('webhookEndpoints');
    const current = (await endpoints.get(seen.eventId, seen.id)) ?? null;
    if (!current) return;
    if (delivered) {
      await endpoints.put({ ...current, consecutiveFailures: 0 });
      return;
    }
    const failures = current.consecutiveFailures + 1;
    const disable = current.enabled && failures >= this.options.disableAfterFailures;
    const next: WebhookEndpointRecord = disable
      ? { ...current, consecutiveFailures: failures, enabled: false, disabledReason: `${failures} failed attempts in a row` }
      : { ...current, consecutiveFailures: failures };
    await endpoints.put(next);
    if (disable) {
      this.#logger.warn({ endpoint: current.id, event: current.eventId, failures }, 'endpoint disabled');
      this.hooks.onDisabled(next);
    }
  }

  async #log(pending: PendingDelivery, change: Partial<WebhookDeliveryRecord>): Promise<void> {
    const deliveries = this.store.collection('webhookDeliveries');
    const record = (await deliveries.get(pending.endpointId, pending.deliveryId)) ?? logRecord(pending, Date.now());
    await deliveries.put({ ...record, ...change });
  }
}
