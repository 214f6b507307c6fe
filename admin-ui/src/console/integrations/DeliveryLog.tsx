import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookDeliveryRecord } from '../../../../signaling/contract';
import { consoleText } from '../../i18n/messages/console';
import { consoleIntegrations } from '../../i18n/messages/consoleIntegrations';
import { usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { formatClock } from '../ui/time';

const t = consoleIntegrations.t;

/** One endpoint's newest deliveries, with "Send again" (the same message, the same webhook-id). */
export function DeliveryLog({ path, enabled }: { path: string; enabled: boolean }) {
  const { api, event, notify } = useConsole();
  const zone = usableZone(event?.timezone);
  const none = consoleText.t('common.none');
  const [deliveries, setDeliveries] = useState<WebhookDeliveryRecord[] | null>(null);

  const load = useCallback(async () => {
    try {
      setDeliveries(await api.get<WebhookDeliveryRecord[]>(path));
    } catch (e) {
      notify({ tone: 'error', text: t('log.loadFailed', { error: errorText(e) }) });
    }
  }, [api, path]);
  useEffect(() => void load(), [load]);

  const again = async (delivery: WebhookDeliveryRecord): Promise<void> => {
    try {
      await api.post(`${path}/${encodeURIComponent(delivery.id)}/redeliver`);
      notify({ tone: 'success', text: t('log.queued', { type: delivery.type }) });
      await load();
    } catch (e) {
      notify({ tone: 'error', text: t('log.againFailed', { error: errorText(e) }) });
    }
  };

  if (deliveries === null) return <p class="muted">{consoleText.t('common.loading')}</p>;
  return (
    <div class="delivery-log">
      <div class="toolbar">
        <button type="button" class="button-small button-quiet" onClick={() => void load()}>
          {consoleText.t('common.refresh')}
        </button>
      </div>
      {deliveries.length === 0 ? (
        <p class="muted">{t('log.none')}</p>
      ) : (
        <table class="integrations-table">
          <thead>
            <tr>
              <th scope="col">{t('log.colType')}</th>
              <th scope="col">{t('log.colCreated')}</th>
              <th scope="col">{t('log.colStatus')}</th>
              <th scope="col">{t('log.colAttempts')}</th>
              <th scope="col">{t('log.colLastAnswer')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                <td>{d.type}</td>
                <td class="nowrap">{formatClock(d.createdAt, zone)}</td>
                <td class={`delivery-${d.status}`}>{t(`status.${d.status}`)}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus ?? d.lastError ?? none}</td>
                <td>
                  <button type="button" class="button-small" disabled={!enabled || d.status === 'pending'} onClick={() => void again(d)}>
                    {t('log.again')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
