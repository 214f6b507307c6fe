import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiKeyRecord } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { SecretOnce } from './SecretOnce';

type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'> & { lastUsedAt: string | null };
const ROLES = ['host', 'moderator', 'ops', 'admin'] as const;

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

/** The event's API keys: create one (its key shown once), see when each was last used, revoke. */
export function ApiKeysPanel() {
  const { api, identity, notify } = useConsole();
  const [keys, setKeys] = useState<ApiKeyView[]>([]);
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('host');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await api.get<ApiKeyView[]>(eventPath(identity.eventId, 'api-keys')));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
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
      notify({ tone: 'error', text: `API key not created: ${e instanceof ApiError ? e.message : String(e)}` });
    }
  };

  const revoke = async (key: ApiKeyView): Promise<void> => {
    if (!window.confirm(`Revoke "${key.label}"? Calls with it are refused at once.`)) return;
    try {
      await api.delete(eventPath(identity.eventId, 'api-keys', key.id));
      notify({ tone: 'success', text: `Revoked "${key.label}".` });
      await load();
    } catch (e) {
      notify({ tone: 'error', text: `Not revoked: ${e instanceof ApiError ? e.message : String(e)}` });
    }
  };

  return (
    <section class="panel" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      {error && <p class="form-error">{error}</p>}
      {created && <SecretOnce label="New API key" value={created} onDone={() => setCreated(null)} />}
      <form class="toolbar" onSubmit={(e) => void create(e)}>
        <input
          aria-label="Key label"
          placeholder="Who holds it"
          required
          maxLength={80}
          value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <select aria-label="Key role" value={role} onChange={(e) => setRole(e.currentTarget.value as (typeof ROLES)[number])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" class="button-primary">
          Create key
        </button>
      </form>
      <table class="integrations-table" id="api-keys">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} data-key={key.id} class={key.revokedAt ? 'revoked' : undefined}>
              <td>{key.label}</td>
              <td>{key.role}</td>
              <td class="nowrap">{when(key.createdAt)}</td>
              <td class="nowrap">{when(key.lastUsedAt)}</td>
              <td>
                {key.revokedAt ? (
                  <span class="muted">revoked {when(key.revokedAt)}</span>
                ) : (
                  <button type="button" class="button-small button-danger-quiet" onClick={() => void revoke(key)}>
                    Revoke
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
