import type { AgendaItem } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import { sessionKindLabel } from '../../lib/sessionKinds';
import { formatRange } from '../../lib/zonedTime';

/** Under the picture: the session on stage now (or coming next), who speaks and what is presented. */
export function NowOnStage({ session, zone }: { session: AgendaItem | null; zone: string }) {
  useLocale();
  if (!session) return null;
  const live = session.status === 'live';
  return (
    <div class={`now-card${live ? ' live' : ''}`} data-session={session.id}>
      <p class="now-when">
        {live ? (
          <span class="live-tag">{watchPanels.t('session.liveNow')}</span>
        ) : (
          <span class="next-tag">{watchPanels.t('session.upNext')}</span>
        )}
        {formatRange(session.plannedStart, session.plannedEnd, zone)} · {sessionKindLabel(session.kind)}
      </p>
      <h2 class="now-title">{localized(session, 'title')}</h2>
      {session.speakers.length > 0 && (
        <ul class="now-speakers">
          {session.speakers.map((speaker) => (
            <li key={speaker.id}>
              <strong>{speaker.name}</strong>
              {(speaker.title || speaker.organisation) && <span>{[speaker.title, speaker.organisation].filter(Boolean).join(', ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {session.achievements.length > 0 && (
        <ul class="now-achievements">
          {session.achievements.map((a) => {
            const summary = localized(a, 'summary');
            return (
              <li key={a.id}>
                <strong>{localized(a, 'title')}</strong> <span>— {a.institution}</span>
                {summary && <p>{summary}</p>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
