import type { AgendaItem } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { formatDate } from '../../i18n/format';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import { failureText } from '../../lib/failureText';
import { formatRange, wallClock } from '../../lib/zonedTime';
import { sessionKindLabel } from '../../lib/sessionKinds';

/** The sessions grouped by their day on the event's clock (a fair may run over several days). */
function byDay(items: AgendaItem[], zone: string): { day: string; items: AgendaItem[] }[] {
  const days: { day: string; items: AgendaItem[] }[] = [];
  for (const item of items) {
    const day = wallClock(item.plannedStart, zone).date;
    const last = days.at(-1);
    if (last?.day === day) last.items.push(item);
    else days.push({ day, items: [item] });
  }
  return days;
}

function AgendaEntry({ item, zone }: { item: AgendaItem; zone: string }) {
  const live = item.status === 'live';
  const ended = item.status === 'done';
  return (
    <li class={`agenda-item status-${item.status}`} data-session={item.id} aria-current={live ? 'true' : undefined}>
      <div class="agenda-time">
        {formatRange(item.plannedStart, item.plannedEnd, zone)}
        {live && <span class="live-tag">{watchPanels.t('session.liveNow')}</span>}
        {ended && <span class="done-tag">{watchPanels.t('session.ended')}</span>}
      </div>
      <div class="agenda-title">{localized(item, 'title')}</div>
      <div class="agenda-meta">
        {sessionKindLabel(item.kind)}
        {/* The organiser's order of speakers (protocol order at an opening), not an alphabetical one. */}
        {item.speakers.length > 0 && ` · ${item.speakers.map((s) => [s.name, s.organisation].filter(Boolean).join(', ')).join(' · ')}`}
      </div>
      {item.achievements.length > 0 && (
        <ul class="agenda-achievements">
          {item.achievements.map((a) => (
            <li key={a.id}>
              <strong>{localized(a, 'title')}</strong> — {a.institution}
              {a.field && <span class="agenda-field"> · {a.field}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The stage's programme in time order, under each day's date; the live session is marked, finished ones are dimmed. */
export function AgendaPanel({ items, zone, error }: { items: AgendaItem[]; zone: string; error: Error | null }) {
  useLocale();
  if (error) return <p class="panel-note">{watchPanels.t('agenda.failed', { error: failureText(error) })}</p>;
  if (items.length === 0) return <p class="panel-note">{watchPanels.t('agenda.empty')}</p>;
  return (
    <div id="watch-agenda">
      {byDay(items, zone).map(({ day, items: sessions }) => (
        <section key={day} class="agenda-day" data-day={day}>
          <h3 class="agenda-day-title">{formatDate(sessions[0]?.plannedStart ?? day, zone)}</h3>
          <ol class="agenda-list">
            {sessions.map((item) => (
              <AgendaEntry key={item.id} item={item} zone={zone} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
