import { useEffect, useState } from 'preact/hooks';
import { type ApiClient, eventPath } from '../../lib/api';

/** An agreement as the watch page lists it (the desk's AgreementView, as far as it is shown). */
interface Agreement {
  id: string;
  teamName: string;
  companyName: string;
  achievementTitle: string;
  type: string;
  amount: number | null;
  currency: string | null;
}

const TYPE_LABEL: Record<string, string> = {
  licence: 'Licence',
  transfer: 'Transfer',
  'joint-development': 'Joint development',
  equity: 'Equity or investment',
};

/** Agreements are recorded during signing sessions: while the tab is open the list is read again this often. */
const REFRESH_MS = 30_000;

function amountOf(agreement: Agreement): string {
  if (agreement.amount === null) return '';
  const formatted = new Intl.NumberFormat(undefined, {
    style: agreement.currency ? 'currency' : 'decimal',
    ...(agreement.currency ? { currency: agreement.currency } : {}),
    maximumFractionDigits: 0,
  }).format(agreement.amount);
  return ` · ${formatted}`;
}

/** The event's signed agreements, in the order they were recorded: what the fair produced. */
export function AgreementsPanel({ api, eventId, open }: { api: ApiClient; eventId: string; open: boolean }) {
  const [agreements, setAgreements] = useState<Agreement[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    let stopped = false;
    const load = (): void => {
      api
        .get<Agreement[]>(eventPath(eventId, 'desk', 'agreements'))
        .then((list) => {
          if (stopped) return;
          setAgreements(list);
          setError(null);
        })
        .catch((failure: unknown) => {
          if (!stopped) setError(failure instanceof Error ? failure.message : String(failure));
        });
    };
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [api, eventId, open]);

  if (error) return <p class="panel-note">The agreements could not be loaded ({error}).</p>;
  if (agreements === null) return <p class="panel-note">Loading…</p>;
  if (agreements.length === 0) return <p class="panel-note">No agreement has been signed yet.</p>;
  return (
    <ol class="agenda-list" id="watch-agreements">
      {agreements.map((a) => (
        <li key={a.id} class="agenda-item" data-agreement={a.id}>
          <div class="agenda-title">{a.achievementTitle}</div>
          <div class="agenda-meta">
            {a.teamName} × {a.companyName} · {TYPE_LABEL[a.type] ?? a.type}
            {amountOf(a)}
          </div>
        </li>
      ))}
    </ol>
  );
}
