import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookDeliveryRecord } from '../../../../signaling/contract';
import { ApiError } from '../../lib/api';
import { useConsole } from '../context';

const clock = (iso: string | null): string => (iso ? new Date(iso).toLocaleTimeString(undefined, { hour12: false }) : '—');

/** One endpoint's newest deliveries, with "Send again" (the same message, the same webhook-id). */
export function DeliveryLog({ path, enabled }: { path: string; enabled: boolean }) {
  const { api, notify } = useConsole();
  const [deliveries, setDeliveries] = useState<WebhookDeliveryRecord[] | null>(null);

  const load = useCallback(async () => {
    try {
      setDeliveries(await api.get<WebhookDeliveryRecord[]>(path));
    } catch (e) {
      notify({ tone: 'error', text: `Deliveries not loaded: ${e instanceof ApiError ? e.message : String(e)}` });
    }
  }, [api, path]);
  useEffect(() => void load(), [load]);

  const again = async (delivery: WebhookDeliveryRecord): Promise<void> => {
    try {
      await api.post(`${path}/${encodeURIComponent(delivery.id)}/redeliver`);
      notify({ tone: 'success', text: `${delivery.type} queued again.` });
      await load();
    } catch (e) {
      notify({ tone: 'error', text: `Not sent again: ${e instanceof ApiError ? e.message : String(e)}` });
    }
  };

  if (deliveries === null) return <p class="muted">Loading…</p>;
  return (
    <div class="delivery-log">
      <div class="toolbar">
        <button type="button" class="button-small button-quiet" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {deliveries.length === 0 ? (
        <p class="muted">Nothing sent yet.</p>
      ) : (
        <table class="integrations-table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                <td>{d.type}</td>
                <td class="nowrap">{clock(d.createdAt)}</td>
                <td class={`delivery-${d.status}`}>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus ?? d.lastError ?? '—'}</td>
                <td>
                  <button type="button" class="button-small" disabled={!enabled || d.status === 'pending'} onClick={() => void again(d)}>
                    Send again
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
