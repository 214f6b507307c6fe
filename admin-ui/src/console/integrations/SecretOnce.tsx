import { consoleIntegrations } from '../../i18n/messages/consoleIntegrations';

const t = consoleIntegrations.t;

/** A secret the server shows once (a new API key, an endpoint's signing secret): copy it now. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  return (
    <div class="secret-once" role="status">
      <p>
        <strong>{label}</strong> {t('secret.shownOnce')}
      </p>
      <code class="secret-value" data-secret>
        {value}
      </code>
      <div class="toolbar">
        <button type="button" class="button-small" onClick={() => void navigator.clipboard.writeText(value)}>
          {t('secret.copy')}
        </button>
        <button type="button" class="button-small button-quiet" onClick={onDone}>
          {t('secret.done')}
        </button>
      </div>
    </div>
  );
}
