import { useCallback, useEffect, useState } from 'preact/hooks';
import { consoleText } from '../../i18n/messages/console';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { errorText } from '../errorText';

const t = consoleStage.t;

/** Where an RTMP and an SRT encoder put the key: addresses, not words. */
const RTMP_KEY_PATH = 'live/<key>';
const SRT_STREAM_ID = 'streamid=<key>';

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
  // Where players other than the watch page take the program from (a private event's need a token).
  const whepUrl = `${window.location.origin}/whep/${identity.eventId}/${stageId}`;
  const hlsUrl = `${window.location.origin}/hls/${identity.eventId}/${stageId}/master.m3u8`;

  const load = useCallback(() => {
    api
      .get<StreamKeyView[]>(path)
      .then(setKeys)
      .catch((error: unknown) => notify({ tone: 'error', text: t('keys.loadFailed', { error: errorText(error) }) }));
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
      notify({ tone: 'error', text: t('keys.createFailed', { error: errorText(error) }) });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: StreamKeyView): Promise<void> => {
    setBusy(true);
    try {
      await api.delete(`${path}/${encodeURIComponent(key.id)}`);
      notify({ tone: 'success', text: t('keys.revoked', { label: key.label }) });
      if (created?.id === key.id) setCreated(null);
      load();
    } catch (error) {
      notify({ tone: 'error', text: t('keys.revokeFailed', { error: errorText(error) }) });
    } finally {
      setBusy(false);
    }
  };

  const active = keys.filter((k) => k.revokedAt === null);
  return (
    <section class="panel stream-keys" aria-labelledby="stream-keys-heading">
      <h2 id="stream-keys-heading">{t('keys.heading')}</h2>
      {created && (
        <div class="created-key" role="status">
          <p>{t('keys.copyNow')}</p>
          <code id="created-key">{created.key}</code>
          <p class="muted">
            {t('keys.whip')} <code>{`${window.location.origin}${created.whipPath}`}</code> {t('keys.whipBearer')} (
            <code>{RTMP_KEY_PATH}</code>, <code>{SRT_STREAM_ID}</code>).
          </p>
        </div>
      )}
      {active.length === 0 ? (
        <p class="muted">{t('keys.none')}</p>
      ) : (
        <ul class="key-list">
          {active.map((key) => (
            <li key={key.id} data-key-id={key.id}>
              <span>
                <strong>{key.label}</strong> <span class="muted">{t('keys.feeds', { source: key.sourceId })}</span>
              </span>
              <button type="button" class="button-quiet" disabled={busy} onClick={() => void revoke(key)}>
                {consoleText.t('common.revoke')}
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
          aria-label={t('keys.label')}
          placeholder={t('keys.labelExample')}
          maxLength={80}
          value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <input
          aria-label={t('keys.feed')}
          placeholder={t('keys.feedExample')}
          maxLength={16}
          value={feed}
          onInput={(e) => setFeed(e.currentTarget.value.toLowerCase())}
        />
        <button type="submit" disabled={busy || (feed !== '' && !FEED.test(feed))}>
          {t('keys.create')}
        </button>
      </form>
      <p class="muted" id="playback-addresses">
        {t('keys.playbackWhep')} <code>{whepUrl}</code>
        <br />
        {t('keys.playbackHls')} <code>{hlsUrl}</code>
      </p>
    </section>
  );
}
