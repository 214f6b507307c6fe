import type { ApiKeys } from '../../auth/apiKeys';
import type { EventDirectory } from '../../conference/EventDirectory';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../api';
import { CreateApiKeyDto } from '../dto/integrations';
import { ApiKeyParams, EventParams } from '../params';

/** Server-to-server API keys of an event (admins): created (the secret shown once), listed, revoked. */
export function registerApiKeyRoutes(api: ApiRegistry, deps: { keys: ApiKeys; events: EventDirectory }): void {
  api.add({
    method: 'post',
    path: '/api/events/:eventId/api-keys',
    operationId: 'createApiKey',
    summary:
      "Create an API key for a partner's servers (`Authorization: Bearer sck_…`); the answer's `key` is the only time the secret is shown",
    tag: 'integrations',
    access: 'apikey.manage',
    params: EventParams,
    body: CreateApiKeyDto,
    status: 201,
    handler: async ({ params, body, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      if (!(await deps.events.event(params.eventId))) throw new AppError('not_found', `no event ${params.eventId}`);
      const { record, key } = await deps.keys.create(params.eventId, { role: body.role, label: body.label }, principal);
      const { secretHash: _hidden, ...view } = record;
      return { ...view, lastUsedAt: null, key };
    },
  });

  api.add({
    method: 'get',
    path: '/api/events/:eventId/api-keys',
    operationId: 'listApiKeys',
    summary: "The event's API keys (never their secrets) with when each was last used, revoked ones included",
    tag: 'integrations',
    access: 'apikey.manage',
    params: EventParams,
    handler: async ({ params }) => deps.keys.list(params.eventId),
  });

  api.add({
    method: 'delete',
    path: '/api/events/:eventId/api-keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key: refused at once on every node, and its open connections are closed',
    tag: 'integrations',
    access: 'apikey.manage',
    params: ApiKeyParams,
    handler: async ({ params, principal }) => {
      if (!principal) throw new AppError('unauthorized', 'missing bearer token');
      return deps.keys.revoke(params.eventId, params.keyId, principal);
    },
  });
}
