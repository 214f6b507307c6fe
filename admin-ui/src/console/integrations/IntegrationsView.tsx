import { consoleIntegrations } from '../../i18n/messages/consoleIntegrations';
import { ApiKeysPanel } from './ApiKeysPanel';
import { WebhooksPanel } from './WebhooksPanel';

/** Partner platforms (admins): the event's server-to-server API keys and its signed webhooks. */
export function IntegrationsView() {
  return (
    <section class="view integrations-view" aria-labelledby="integrations-heading">
      <header class="view-head">
        <div>
          <h1 id="integrations-heading">{consoleIntegrations.t('heading')}</h1>
          <p class="muted">{consoleIntegrations.t('intro')}</p>
        </div>
      </header>
      <div class="integrations-layout">
        <WebhooksPanel />
        <ApiKeysPanel />
      </div>
    </section>
  );
}
