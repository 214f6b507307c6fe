import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEventType } from '../store/integrationRecords';
import { resolvePublic } from './addressCheck';
import { newSecret } from './signing';

/** An endpoint as admins see it: never its secrets. */
export type WebhookEndpointView = Omit<WebhookEndpointRecord, 'secret' | 'previousSecret'> & { secretRotating: boolean };

export function endpointView(record: WebhookEndpointRecord): WebhookEndpointView {
  const { secret: _secret, previousSecret, ...rest } = record;
  return {
    ...rest,
    secretRotating: previousSecret !== null && record.previousSecretUntil !== null && Date.parse(record.previousSecretUntil) > Date.now(),
  };
}

export interface EndpointInput {
  url: string;
  types?: WebhookEventType[];
  description?: string;
}

export interface EndpointPatch extends Partial<EndpointInput> {
  enabled?: boolean;
  /** A new secret; the old one keeps signing (a second signature) for the overlap. */
  rotateSecret?: boolean;
}

export interface EndpointOptions {
  allowPrivate: boolean;
  /** How long a rotated-out secret keeps signing. */
  rotationOverlapMs: number;
}

/** An event's webhook endpoints: created (secret shown once), listed, changed (secret rotated), deleted. */
export class WebhookEndpoints {
  constructor(
    private readonly store: Store,
    private readonly options: EndpointOptions,
  ) {}

  async create(eventId: string, input: EndpointInput, by: Principal): Promise<WebhookEndpointRecord> {
    await this.#assertTarget(input.url);
    const record: WebhookEndpointRecord = {
      id: randomBytes(8).toString('hex'),
      eventId,
      url: input.url,
      types: input.types ?? [],
      description: input.description ?? '',
      enabled: true,
      secret: newSecret(),
      previousSecret: null,
      previousSecretUntil: null,
      consecutiveFailures: 0,
      disabledReason: null,
      createdAt: new Date().toISOString(),
      createdBy: by.id,
    };
    if (!(await this.store.collection('webhookEndpoints').insert(record))) throw new AppError('conflict', 'endpoint id collision; retry');
    return record;
  }

  async list(eventId: string): Promise<WebhookEndpointRecord[]> {
    return (await this.store.collection('webhookEndpoints').list(eventId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(eventId: string, endpointId: string): Promise<WebhookEndpointRecord> {
    const record = await this.store.collection('webhookEndpoints').get(eventId, endpointId);
    if (!record) throw new AppError('not_found', `no webhook endpoint ${endpointId} in event ${eventId}`);
    return record;
  }

  async update(eventId: string, endpointId: string, patch: EndpointPatch): Promise<WebhookEndpointRecord> {
    const record = await this.get(eventId, endpointId);
    if (patch.url !== undefined) await this.#assertTarget(patch.url);
    const now = Date.now();
    const rotated = patch.rotateSecret === true;
    const enabling = patch.enabled === true && !record.enabled;
    const updated: WebhookEndpointRecord = {
      ...record,
      url: patch.url ?? record.url,
      types: patch.types ?? record.types,
      description: patch.description ?? record.description,
      enabled: patch.enabled ?? record.enabled,
      // Enabled again by an admin: the count of failures starts over.
      ...(enabling ? { consecutiveFailures: 0, disabledReason: null } : {}),
      ...(rotated
        ? {
            secret: newSecret(),
            previousSecret: record.secret,
            previousSecretUntil: new Date(now + this.options.rotationOverlapMs).toISOString(),
          }
        : {}),
    };
    await this.store.collection('webhookEndpoints').put(updated);
    return updated;
  }

  async delete(eventId: string, endpointId: string): Promise<void> {
    await this.get(eventId, endpointId);
    await this.store.collection('webhookEndpoints').delete(eventId, endpointId);
    // Its log goes with it; pending messages find no endpoint and are dropped by the dispatcher.
    const deliveries = this.store.collection('webhookDeliveries');
    for (const delivery of await deliveries.list(endpointId)) await deliveries.delete(endpointId, delivery.id);
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(eventId: string, endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    await this.get(eventId, endpointId);
    const all = await this.store.collection('webhookDeliveries').list(endpointId);
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, limit);
  }

  async delivery(eventId: string, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    await this.get(eventId, endpointId);
    const delivery = await this.store.collection('webhookDeliveries').get(endpointId, deliveryId);
    if (!delivery) throw new AppError('not_found', `no delivery ${deliveryId}`);
    return delivery;
  }

  async #assertTarget(url: string): Promise<void> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError('bad_request', 'a webhook URL is http or https');
    if (parsed.username !== '' || parsed.password !== '') throw new AppError('bad_request', 'a webhook URL carries no credentials');
    // Refused early when it can be told now; each attempt checks again (names change what they resolve to).
    if (!this.options.allowPrivate) await resolvePublic(parsed.hostname);
  }
}
