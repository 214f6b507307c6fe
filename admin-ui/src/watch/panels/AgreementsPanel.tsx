import { useEffect, useState } from 'preact/hooks';
import { formatNumber } from '../../i18n/format';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import { type ApiClient, eventPath } from '../../lib/api';
import { failureText } from '../../lib/failureText';

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

const TYPE_KEY: Record<string, Parameters<typeof watchPanels.t>[0]> = {
  licence: 'agreement.licence',
  transfer: 'agreement.transfer',
  'joint-development': 'agreement.jointDevelopment',
  equity: 'agreement.equity',
};

/** The agreement's kind in the page's language; a kind this page does not know yet, as the server names it. */
function typeLabel(type: string): string {
  const key = TYPE_KEY[type];
  return key ? watchPanels.t(key) : type;
}

/** Agreements are recorded during signing sessions: while the tab is open the list is read again this often. */
const REFRESH_MS = 30_000;

function amountOf(agreement: Agreement): string {
  if (agreement.amount === null) return '';
  const formatted = formatNumber(agreement.amount, {
    style: agreement.currency ? 'currency' : 'decimal',
    ...(agreement.currency ? { currency: agreement.currency } : {}),
    maximumFractionDigits: 0,
  });
  return ` · ${formatted}`;
}

/** The event's signed agreements, in the order they were recorded: what the fair produced. */
export function AgreementsPanel({ api, eventId, open }: { api: ApiClient; eventId: string; open: boolean }) {
  useLocale();
  const [agreements, setAgreements] = useState<Agreement[] | null>(null);
  const [error, setError] = useState<Error | null>(null);

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
          if (!stopped) setError(failure instanceof Error ? failure : new Error(String(failure)));
        });
    };
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [api, eventId, open]);

  if (error) return <p class="panel-note">{watchPanels.t('agreements.failed', { error: failureText(error) })}</p>;
  if (agreements === null) return <p class="panel-note">{watchPanels.t('agreements.loading')}</p>;
  if (agreements.length === 0) return <p class="panel-note">{watchPanels.t('agreements.empty')}</p>;
  return (
    <ol class="agenda-list" id="watch-agreements">
      {agreements.map((a) => (
        <li key={a.id} class="agenda-item" data-agreement={a.id}>
          <div class="agenda-title">{a.achievementTitle}</div>
          <div class="agenda-meta">
            {a.teamName} × {a.companyName} · {typeLabel(a.type)}
            {amountOf(a)}
          </div>
        </li>
      ))}
    </ol>
  );
}
