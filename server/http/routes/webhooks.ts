import type { EventDirectory } from '../../conference/EventDirectory';
import { AppError } from '../../errors';
import { endpointView, type WebhookEndpoints } from '../../webhooks/WebhookEndpoints';
import type { WebhookPublisher } from '../../webhooks/WebhookPublisher';
import type { ApiRegistry } from '../api';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto } from '../dto/integrations';
import { EventParams, WebhookDeliveryParams, WebhookEndpointParams } from '../params';

/** Entries of a delivery log answered at once: the newest. */
const DELIVERY_LOG_LIMIT = 200;

/** Partner webhook endpoints of an event (admins), their delivery logs, and sending a message again. */
export function registerWebhookRoutes(
  api: ApiRegistry,
  deps: { endpoints: WebhookEndpoints; publisher: WebhookPublisher; events: EventDirectory; onEnabled: (endpointId: string) => void },
): void {
  api.add({
    method: 'post',
    path: '/api/events/:eventId/webhooks',
    operationId: 'createWebhookEndpoint',
    summary:
      "Register a webhook endpoint; the answer's `secret` (whsec_…, for Standard Webhooks verification) is the only time it is shown",
    tag: 'integrations',
    access: 'webhook.manage',
    params: EventParams,
    body: CreateWebhookEndpointDto,
    status: 201,
    handler: async ({ params, body, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      if (!(await deps.events.event(params.eventId))) throw new AppError('not_found', `no event ${params.eventId}`);
      const record = await deps.endpoints.create(params.eventId, body, principal);
      return { ...endpointView(record), secret: record.secret };
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: "The event's webhook endpoints (never their secrets), with failures in a row and why one was disabled",
    tag: 'integrations',
    access: 'webhook.manage',
    params: EventParams,
    handler: async ({ params }) => (await deps.endpoints.list(params.eventId)).map(endpointView),
  });

  api.add({
    method: 'patch',
    path: '/api/events/:eventId/webhooks/:endpointId',
    operationId: 'updateWebhookEndpoint',
    summary:
      'Change an endpoint (URL, types, enabled) or rotate its secret: the new one is answered once, the old one keeps signing for the overlap',
    tag: 'integrations',
    access: 'webhook.manage',
    params: WebhookEndpointParams,
    body: UpdateWebhookEndpointDto,
    handler: async ({ params, body }) => {
      const record = await deps.endpoints.update(params.eventId, params.endpointId, body);
      if (body.enabled === true) deps.onEnabled(record.id);
      return body.rotateSecret === true ? { ...endpointView(record), secret: record.secret } : endpointView(record);
    },
  });

  api.add({
    method: 'delete',
    path: '/api/events/:eventId/webhooks/:endpointId',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete an endpoint and its delivery log; messages still pending for it are dropped',
    tag: 'integrations',
    access: 'webhook.manage',
    params: WebhookEndpointParams,
    status: 204,
    handler: async ({ params }) => {
      await deps.endpoints.delete(params.eventId, params.endpointId);
      deps.onEnabled(params.endpointId);
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/webhooks/:endpointId/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: `The endpoint's delivery log, newest first (at most ${DELIVERY_LOG_LIMIT}): status, attempts, the receiver's last answer`,
    tag: 'integrations',
    access: 'webhook.manage',
    params: WebhookEndpointParams,
    handler: async ({ params }) => deps.endpoints.deliveries(params.eventId, params.endpointId, DELIVERY_LOG_LIMIT),
  });

  api.add({
    method: 'post',
    path: '/api/events/:eventId/webhooks/:endpointId/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhook',
    summary: 'Send a logged message again, with the same webhook-id (receivers that had it can drop it), retried as a new one',
    tag: 'integrations',
    access: 'webhook.manage',
    params: WebhookDeliveryParams,
    status: 202,
    handler: async ({ params }) => {
      const endpoint = await deps.endpoints.get(params.eventId, params.endpointId);
      if (!endpoint.enabled) throw new AppError('conflict', 'the endpoint is disabled; enable it first');
      return deps.publisher.redeliver(await deps.endpoints.delivery(params.eventId, params.endpointId, params.deliveryId));
    },
  });
}
