import { ApiKeysPanel } from './ApiKeysPanel';
import { WebhooksPanel } from './WebhooksPanel';

/** Partner platforms (admins): the event's server-to-server API keys and its signed webhooks. */
export function IntegrationsView() {
  return (
    <section class="view integrations-view" aria-labelledby="integrations-heading">
      <header class="view-head">
        <div>
          <h1 id="integrations-heading">Integrations</h1>
          <p class="muted">API keys for partners' servers, and the webhooks that tell them what happens.</p>
        </div>
      </header>
      <div class="integrations-layout">
        <WebhooksPanel />
        <ApiKeysPanel />
      </div>
    </section>
  );
}
