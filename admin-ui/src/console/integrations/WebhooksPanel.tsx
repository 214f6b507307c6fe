import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookEndpointRecord, WebhookEventType } from '../../../../signaling/contract';
import { consoleText } from '../../i18n/messages/console';
import { consoleIntegrations } from '../../i18n/messages/consoleIntegrations';
import { eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { errorText } from '../errorText';
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

/** What an endpoint address looks like: an example, not text to translate. */
const URL_EXAMPLE = 'https://partner.example/hooks';

const t = consoleIntegrations.t;
type FailureKey = 'hooks.loadFailed' | 'hooks.addFailed' | 'hooks.changeFailed' | 'hooks.deleteFailed';

/** The event's webhook endpoints: register one (its secret shown once), enable or disable, rotate the secret, delete, see deliveries. */
export function WebhooksPanel() {
  const { api, identity, notify } = useConsole();
  const [endpoints, setEndpoints] = useState<EndpointView[]>([]);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const path = (...rest: string[]): string => eventPath(identity.eventId, 'webhooks', ...rest);
  const failed = (what: FailureKey) => (e: unknown) => notify({ tone: 'error', text: t(what, { error: errorText(e) }) });

  const load = useCallback(async () => {
    try {
      setEndpoints(await api.get<EndpointView[]>(eventPath(identity.eventId, 'webhooks')));
    } catch (e) {
      failed('hooks.loadFailed')(e);
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
      failed('hooks.addFailed')(e);
    }
  };

  const change = async (endpoint: EndpointView, patch: { enabled?: boolean; rotateSecret?: boolean }): Promise<void> => {
    try {
      const answer = await api.patch<EndpointView & { secret?: string }>(path(endpoint.id), patch);
      if (answer.secret) setSecret(answer.secret);
      await load();
    } catch (e) {
      failed('hooks.changeFailed')(e);
    }
  };

  const remove = async (endpoint: EndpointView): Promise<void> => {
    if (!window.confirm(t('hooks.deleteConfirm', { url: endpoint.url }))) return;
    await api.delete(path(endpoint.id)).then(load, failed('hooks.deleteFailed'));
  };

  return (
    <section class="panel" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">{t('hooks.heading')}</h2>
      {secret && <SecretOnce label={t('hooks.secret')} value={secret} onDone={() => setSecret(null)} />}
      <form class="webhook-form" onSubmit={(e) => void create(e)}>
        <input
          type="url"
          aria-label={t('hooks.url')}
          placeholder={URL_EXAMPLE}
          required
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <select
          multiple
          aria-label={t('hooks.types')}
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
          {t('hooks.add')}
        </button>
      </form>
      <ul class="endpoint-list" id="webhook-endpoints">
        {endpoints.map((endpoint) => (
          <li key={endpoint.id} class="endpoint" data-endpoint={endpoint.id} data-enabled={String(endpoint.enabled)}>
            <div class="endpoint-head">
              <code class="endpoint-url">{endpoint.url}</code>
              <span class={`badge ${endpoint.enabled ? 'badge-enabled' : ''}`}>
                {t(endpoint.enabled ? 'hooks.enabled' : 'hooks.disabled')}
              </span>
              {endpoint.secretRotating && <span class="muted">{t('hooks.rotating')}</span>}
            </div>
            <p class="muted">
              {[
                endpoint.types.length === 0 ? t('hooks.everyType') : endpoint.types.join(', '),
                ...(endpoint.consecutiveFailures > 0 ? [t('hooks.failedInRow', { count: endpoint.consecutiveFailures })] : []),
                ...(endpoint.disabledReason ? [t('hooks.disabledBecause', { reason: endpoint.disabledReason })] : []),
              ].join(' · ')}
            </p>
            <div class="toolbar">
              <button type="button" class="button-small" onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                {t(open === endpoint.id ? 'hooks.hideDeliveries' : 'hooks.deliveries')}
              </button>
              <button type="button" class="button-small button-quiet" onClick={() => void change(endpoint, { enabled: !endpoint.enabled })}>
                {t(endpoint.enabled ? 'hooks.disable' : 'hooks.enable')}
              </button>
              <button type="button" class="button-small button-quiet" onClick={() => void change(endpoint, { rotateSecret: true })}>
                {t('hooks.rotate')}
              </button>
              <button type="button" class="button-small button-danger-quiet" onClick={() => void remove(endpoint)}>
                {consoleText.t('common.delete')}
              </button>
            </div>
            {open === endpoint.id && <DeliveryLog path={path(endpoint.id, 'deliveries')} enabled={endpoint.enabled} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
