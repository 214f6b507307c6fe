import type { AgendaItem } from '../../../../signaling/contract';
import { formatRange } from '../../lib/zonedTime';
import { sessionKindLabel } from '../../lib/sessionKinds';

/** The stage's programme in time order; the live session is marked, finished ones are dimmed. */
export function AgendaPanel({ items, zone, error }: { items: AgendaItem[]; zone: string; error: string | null }) {
  if (error) return <p class="panel-note">The programme could not be loaded ({error}).</p>;
  if (items.length === 0) return <p class="panel-note">No session is planned on this stage yet.</p>;
  return (
    <ol class="agenda-list" id="watch-agenda">
      {items.map((item) => (
        <li
          key={item.id}
          class={`agenda-item status-${item.status}`}
          data-session={item.id}
          aria-current={item.status === 'live' ? 'true' : undefined}
        >
          <div class="agenda-time">
            {formatRange(item.plannedStart, item.plannedEnd, zone)}
            {item.status === 'live' && <span class="live-tag">Live now</span>}
            {item.status === 'done' && <span class="done-tag">Ended</span>}
          </div>
          <div class="agenda-title">{item.title}</div>
          <div class="agenda-meta">
            {sessionKindLabel(item.kind)}
            {item.speakers.length > 0 && ` · ${item.speakers.map((s) => [s.name, s.organisation].filter(Boolean).join(', ')).join(' · ')}`}
          </div>
          {item.achievements.length > 0 && (
            <ul class="agenda-achievements">
              {item.achievements.map((a) => (
                <li key={a.id}>
                  <strong>{a.title}</strong> — {a.institution}
                  {a.field && <span class="agenda-field"> · {a.field}</span>}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
