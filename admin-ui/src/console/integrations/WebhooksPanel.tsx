import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookEndpointRecord, WebhookEventType } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { DeliveryLog } from './DeliveryLog';
import { SecretOnce } from './SecretOnce';

type EndpointView = Omit<WebhookEndpointRecord, 'secret' | 'previousSecret'> & { secretRotating: boolean };

/** Every type, named once here: the compiler says when the server gains one this list lacks. */
const TYPES: Record<WebhookEventType, true> = {
  'stage.live': true,
  'stage.ended': true,
  'program.changed': true,
  'session.started': true,
  'session.ended': true,
  'question.approved': true,
  'question.answered': true,
  'hand.accepted': true,
  'recording.ready': true,
  'meeting.requested': true,
  'meeting.accepted': true,
  'meeting.declined': true,
  'meeting.cancelled': true,
  'agreement.signed': true,
  'alert.raised': true,
  'alert.cleared': true,
  'ingest.connected': true,
  'ingest.disconnected': true,
};
const TYPE_NAMES = Object.keys(TYPES) as WebhookEventType[];

/** The event's webhook endpoints: register one (its secret shown once), enable or disable, rotate the secret, delete, see deliveries. */
export function WebhooksPanel() {
  const { api, identity, notify } = useConsole();
  const [endpoints, setEndpoints] = useState<EndpointView[]>([]);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const path = (...rest: string[]): string => eventPath(identity.eventId, 'webhooks', ...rest);
  const failed = (what: string) => (e: unknown) =>
    notify({ tone: 'error', text: `${what}: ${e instanceof ApiError ? e.message : String(e)}` });

  const load = useCallback(async () => {
    try {
      setEndpoints(await api.get<EndpointView[]>(eventPath(identity.eventId, 'webhooks')));
    } catch (e) {
      failed('Webhooks not loaded')(e);
    }
  }, [api, identity.eventId]);
  useEffect(() => void load(), [load]);

  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      const answer = await api.post<EndpointView & { secret: string }>(path(), { url, types });
      setSecret(answer.secret);
      setUrl('');
      setTypes([]);
      await load();
    } catch (e) {
      failed('Endpoint not added')(e);
    }
  };

  const change = async (endpoint: EndpointView, patch: { enabled?: boolean; rotateSecret?: boolean }): Promise<void> => {
    try {
      const answer = await api.patch<EndpointView & { secret?: string }>(path(endpoint.id), patch);
      if (answer.secret) setSecret(answer.secret);
      await load();
    } catch (e) {
      failed('Endpoint not changed')(e);
    }
  };

  const remove = async (endpoint: EndpointView): Promise<void> => {
    if (!window.confirm(`Delete the endpoint ${endpoint.url} and its delivery log?`)) return;
    await api.delete(path(endpoint.id)).then(load, failed('Endpoint not deleted'));
  };

  return (
    <section class="panel" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      {secret && <SecretOnce label="Signing secret" value={secret} onDone={() => setSecret(null)} />}
      <form class="webhook-form" onSubmit={(e) => void create(e)}>
        <input
          type="url"
          aria-label="Endpoint URL"
          placeholder="https://partner.example/hooks"
          required
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <select
          multiple
          aria-label="Event types (none selected: all)"
          size={6}
          onChange={(e) => setTypes([...e.currentTarget.selectedOptions].map((o) => o.value as WebhookEventType))}
        >
          {TYPE_NAMES.map((type) => (
            <option key={type} value={type} selected={types.includes(type)}>
              {type}
            </option>
          ))}
        </select>
        <button type="submit" class="button-primary">
          Add endpoint
        </button>
      </form>
      <ul class="endpoint-list" id="webhook-endpoints">
        {endpoints.map((endpoint) => (
          <li key={endpoint.id} class="endpoint" data-endpoint={endpoint.id} data-enabled={String(endpoint.enabled)}>
            <div class="endpoint-head">
              <code class="endpoint-url">{endpoint.url}</code>
              <span class={`badge ${endpoint.enabled ? 'badge-enabled' : ''}`}>{endpoint.enabled ? 'enabled' : 'disabled'}</span>
              {endpoint.secretRotating && <span class="muted">old secret still signing</span>}
            </div>
            <p class="muted">
              {endpoint.types.length === 0 ? 'every type' : endpoint.types.join(', ')}
              {endpoint.consecutiveFailures > 0 && ` · ${endpoint.consecutiveFailures} failed in a row`}
              {endpoint.disabledReason && ` · disabled: ${endpoint.disabledReason}`}
            </p>
            <div class="toolbar">
              <button type="button" class="button-small" onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                {open === endpoint.id ? 'Hide deliveries' : 'Deliveries'}
              </button>
              <button type="button" class="button-small button-quiet" onClick={() => void change(endpoint, { enabled: !endpoint.enabled })}>
                {endpoint.enabled ? 'Disable' : 'Enable'}
              </button>
              <button type="button" class="button-small button-quiet" onClick={() => void change(endpoint, { rotateSecret: true })}>
                Rotate secret
              </button>
              <button type="button" class="button-small button-danger-quiet" onClick={() => void remove(endpoint)}>
                Delete
              </button>
            </div>
            {open === endpoint.id && <DeliveryLog path={path(endpoint.id, 'deliveries')} enabled={endpoint.enabled} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
