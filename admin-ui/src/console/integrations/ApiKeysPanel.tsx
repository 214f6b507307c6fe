import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiKeyRecord } from '../../../../signaling/contract';
import { formatDateTime } from '../../i18n/format';
import { consoleText } from '../../i18n/messages/console';
import { consoleIntegrations } from '../../i18n/messages/consoleIntegrations';
import { eventPath } from '../../lib/api';
import { usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { roleLabel } from '../identityText';
import { SecretOnce } from './SecretOnce';

const t = consoleIntegrations.t;

type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'> & { lastUsedAt: string | null };
const ROLES = ['host', 'moderator', 'ops', 'admin'] as const;

/** The event's API keys: create one (its key shown once), see when each was last used, revoke. */
export function ApiKeysPanel() {
  const { api, identity, event, notify } = useConsole();
  const zone = usableZone(event?.timezone);
  const when = (iso: string | null): string => (iso ? formatDateTime(iso, zone) : consoleText.t('common.none'));
  const [keys, setKeys] = useState<ApiKeyView[]>([]);
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('host');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<{ failure: unknown } | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await api.get<ApiKeyView[]>(eventPath(identity.eventId, 'api-keys')));
    } catch (e) {
      setError({ failure: e });
    }
  }, [api, identity.eventId]);
  useEffect(() => void load(), [load]);

  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      const answer = await api.post<{ key: string }>(eventPath(identity.eventId, 'api-keys'), { role, label });
      setCreated(answer.key);
      setLabel('');
      await load();
    } catch (e) {
      notify({ tone: 'error', text: t('keys.createFailed', { error: errorText(e) }) });
    }
  };

  const revoke = async (key: ApiKeyView): Promise<void> => {
    if (!window.confirm(t('keys.revokeConfirm', { label: key.label }))) return;
    try {
      await api.delete(eventPath(identity.eventId, 'api-keys', key.id));
      notify({ tone: 'success', text: t('keys.revoked', { label: key.label }) });
      await load();
    } catch (e) {
      notify({ tone: 'error', text: t('keys.revokeFailed', { error: errorText(e) }) });
    }
  };

  return (
    <section class="panel" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">{t('keys.heading')}</h2>
      {error && <p class="form-error">{errorText(error.failure)}</p>}
      {created && <SecretOnce label={t('keys.new')} value={created} onDone={() => setCreated(null)} />}
      <form class="toolbar" onSubmit={(e) => void create(e)}>
        <input
          aria-label={t('keys.label')}
          placeholder={t('keys.labelExample')}
          required
          maxLength={80}
          value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <select aria-label={t('keys.role')} value={role} onChange={(e) => setRole(e.currentTarget.value as (typeof ROLES)[number])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
        <button type="submit" class="button-primary">
          {t('keys.create')}
        </button>
      </form>
      <table class="integrations-table" id="api-keys">
        <thead>
          <tr>
            <th scope="col">{t('keys.colLabel')}</th>
            <th scope="col">{t('keys.colRole')}</th>
            <th scope="col">{t('keys.colCreated')}</th>
            <th scope="col">{t('keys.colLastUsed')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} data-key={key.id} class={key.revokedAt ? 'revoked' : undefined}>
              <td>{key.label}</td>
              <td>{roleLabel(key.role)}</td>
              <td class="nowrap">{when(key.createdAt)}</td>
              <td class="nowrap">{when(key.lastUsedAt)}</td>
              <td>
                {key.revokedAt ? (
                  <span class="muted">{t('keys.revokedAt', { time: when(key.revokedAt) })}</span>
                ) : (
                  <button type="button" class="button-small button-danger-quiet" onClick={() => void revoke(key)}>
                    {consoleText.t('common.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
