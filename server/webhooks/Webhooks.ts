import type { EventEmitter } from 'node:events';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import type { AlertEngineEvents } from '../ops/AlertEngine';
import type { Store } from '../store';
import type { WebhookEndpointRecord } from '../store/integrationRecords';
import { followAlerts, followIngest, type IngestStage, type WebhookMessage } from './eventSources';
import { type DispatcherOptions, WebhookDispatcher } from './WebhookDispatcher';
import { WebhookEndpoints } from './WebhookEndpoints';
import { WebhookPublisher } from './WebhookPublisher';

export interface WebhooksOptions extends DispatcherOptions {
  rotationOverlapMs: number;
}

/**
 * The ops alerts of disabled endpoints on this node. Any node may enable an endpoint again; the node
 * that raised the alert learns it from the store, so the alert clears wherever it was raised.
 */
export interface DisabledEndpointAlerts {
  webhookAlertsOpen(): { eventId: string; endpointId: string }[];
  webhookEndpointEnabled(endpointId: string): void;
}

export interface WebhookSources {
  /** This node's conference bus (not the cluster's relay: each change is published by one node). */
  bus: Pick<ConferenceBus, 'committed'>;
  alerts: EventEmitter<AlertEngineEvents> & DisabledEndpointAlerts;
  /** Stages whose media opens on this node, and whether this node is a stage's origin. */
  stages: { on(event: 'stageopened', listener: (stage: IngestStage) => void): unknown };
  isOrigin: (stageKey: string) => boolean;
}

/**
 * Partner webhooks of one node: the endpoints, the publisher that turns changes into outbox entries,
 * and the dispatcher that delivers them. Closed before the store (it finishes the attempts in flight).
 */
export class Webhooks {
  readonly endpoints: WebhookEndpoints;
  readonly publisher: WebhookPublisher;
  readonly dispatcher: WebhookDispatcher;
  readonly #logger: Logger;
  readonly #store: Store;
  readonly #pollMs: number;
  #alertTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(store: Store, options: WebhooksOptions, onDisabled: (endpoint: WebhookEndpointRecord) => void, logger: Logger) {
    this.#logger = logger.child({ module: 'Webhooks' });
    this.#store = store;
    this.#pollMs = options.pollMs;
    this.endpoints = new WebhookEndpoints(store, { allowPrivate: options.allowPrivate, rotationOverlapMs: options.rotationOverlapMs });
    this.dispatcher = new WebhookDispatcher(store, options, { onDisabled, fanOut: (changes) => this.publisher.fanOut(changes) }, logger);
    this.publisher = new WebhookPublisher(store, () => this.dispatcher.wake(), logger);
  }

  /** Follows the node's changes and starts delivering. */
  start(sources: WebhookSources): void {
    const publish = (message: WebhookMessage): void => {
      if (this.#closed) return;
      this.publisher
        .publish(message)
        .catch((error: unknown) =>
          this.#logger.error({ err: error, type: message.type, event: message.subject.eventId }, 'publish() | not put in the outbox'),
        );
    };
    // Committed changes are in the outbox already: made into messages here at once, or by a node's
    // dispatcher once they have waited UNCLAIMED_CHANGE_MS (this node died first, or this failed).
    sources.bus.committed.on('changes', (changes) => {
      if (this.#closed) return;
      this.publisher
        .fanOut(changes)
        .catch((error: unknown) => this.#logger.warn({ err: error, entry: changes.entryId }, 'fanOut() | left to the dispatcher'));
    });
    followAlerts(sources.alerts, publish);
    sources.stages.on('stageopened', (stage) => followIngest(stage, sources.isOrigin, publish));
    this.dispatcher.start();
    // As often as the outbox is looked at, and only when this node has such an alert open.
    this.#alertTimer = setInterval(() => {
      this.#clearAlertsOfEnabledEndpoints(sources.alerts).catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'clearAlertsOfEnabledEndpoints() | failed'),
      );
    }, this.#pollMs);
  }

  async #clearAlertsOfEnabledEndpoints(alerts: DisabledEndpointAlerts): Promise<void> {
    for (const { eventId, endpointId } of alerts.webhookAlertsOpen()) {
      const endpoint = await this.#store.collection('webhookEndpoints').get(eventId, endpointId);
      if (!endpoint || endpoint.enabled) alerts.webhookEndpointEnabled(endpointId);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#alertTimer) clearInterval(this.#alertTimer);
    await this.dispatcher.close();
  }
}
