import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';

/** A stage's stream key as the API lists it (never its secret). */
interface StreamKeyView {
  id: string;
  feed: string | null;
  label: string;
  sourceId: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The one answer that carries the secret: shown once, here, then gone. */
interface CreatedKey extends StreamKeyView {
  key: string;
  whipPath: string;
}

const FEED = /^[a-z0-9]{1,16}$/;

function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : String(error);
}

/**
 * The stage's encoder keys: create one (its secret and WHIP address shown once), see which exist,
 * revoke one (its live encoders are cut off at once).
 */
export function StreamKeysPanel({ stageId }: { stageId: string }) {
  const { api, identity, notify } = useConsole();
  const path = eventPath(identity.eventId, 'stages', stageId, 'stream-keys');
  const [keys, setKeys] = useState<StreamKeyView[]>([]);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [label, setLabel] = useState('');
  const [feed, setFeed] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .get<StreamKeyView[]>(path)
      .then(setKeys)
      .catch((error: unknown) => notify({ tone: 'error', text: `The stream keys could not be loaded: ${errorText(error)}` }));
  }, [api, path]);
  useEffect(() => {
    setCreated(null);
    load();
  }, [load]);

  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      const body = { ...(label.trim() ? { label: label.trim() } : {}), ...(feed ? { feed } : {}) };
      setCreated(await api.post<CreatedKey>(path, body));
      setLabel('');
      setFeed('');
      load();
    } catch (error) {
      notify({ tone: 'error', text: `No key was created: ${errorText(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: StreamKeyView): Promise<void> => {
    setBusy(true);
    try {
      await api.delete(`${path}/${encodeURIComponent(key.id)}`);
      notify({ tone: 'success', text: `Key “${key.label}” revoked: its encoders are cut off.` });
      if (created?.id === key.id) setCreated(null);
      load();
    } catch (error) {
      notify({ tone: 'error', text: `The key was not revoked: ${errorText(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const active = keys.filter((k) => k.revokedAt === null);
  return (
    <section class="panel stream-keys" aria-labelledby="stream-keys-heading">
      <h2 id="stream-keys-heading">Encoder keys</h2>
      {created && (
        <div class="created-key" role="status">
          <p>Copy it now: the key is not shown again.</p>
          <code id="created-key">{created.key}</code>
          <p class="muted">
            WHIP: <code>{`${window.location.origin}${created.whipPath}`}</code> with the key as bearer token; RTMP and SRT: the key is the
            stream key (<code>live/&lt;key&gt;</code>, <code>streamid=&lt;key&gt;</code>).
          </p>
        </div>
      )}
      {active.length === 0 ? (
        <p class="muted">No encoder key for this stage.</p>
      ) : (
        <ul class="key-list">
          {active.map((key) => (
            <li key={key.id} data-key-id={key.id}>
              <span>
                <strong>{key.label}</strong> <span class="muted">· feeds {key.sourceId}</span>
              </span>
              <button type="button" class="button-quiet" disabled={busy} onClick={() => void revoke(key)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <input
          aria-label="Key label"
          placeholder="Label, e.g. OBS desk 2"
          maxLength={80}
          value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <input
          aria-label="Further camera (optional)"
          placeholder="camera (optional)"
          maxLength={16}
          value={feed}
          onInput={(e) => setFeed(e.currentTarget.value.toLowerCase())}
        />
        <button type="submit" disabled={busy || (feed !== '' && !FEED.test(feed))}>
          New key
        </button>
      </form>
    </section>
  );
}
