import type { PublicSessionView, PublicStageView } from '../../../signaling/contract';
import { localized } from '../i18n/content';
import { formatRelative } from '../i18n/format';
import { home } from '../i18n/messages/home';
import { sessionKindLabel } from '../lib/sessionKinds';
import { formatDay, formatRange, wallClock } from '../lib/zonedTime';

function viewersText(viewers: number): string {
  return viewers === 0 ? home.t('viewers.none') : home.t('viewers.some', { count: viewers });
}

/** "14:00", or "Thu 3 Dec 14:00" when the session is on another day than today (on the event's clock). */
function startText(session: PublicSessionView, timeZone: string, now: number): string {
  const start = wallClock(session.plannedStart, timeZone);
  return start.date === wallClock(now, timeZone).date ? start.time : `${formatDay(start.date)} ${start.time}`;
}

function Speakers({ names }: { names: string[] }) {
  return names.length === 0 ? null : <p class="stage-card-speakers">{names.join(' · ')}</p>;
}

/** One stage: what is on it now (or next), how many watch, and the way in. */
export function StageCard({ eventId, stage, timeZone, now }: { eventId: string; stage: PublicStageView; timeZone: string; now: number }) {
  const watchHref = `/watch/${encodeURIComponent(eventId)}/${encodeURIComponent(stage.id)}`;
  const { live, next } = stage;
  return (
    <article class="stage-card" data-stage={stage.id} data-state={live ? 'live' : 'off-air'}>
      <header class="stage-card-head">
        <h3>{localized(stage, 'name')}</h3>
        {live ? <span class="pill pill-live">{home.t('stage.live')}</span> : <span class="pill">{home.t('stage.offAir')}</span>}
      </header>
      {live ? (
        <div class="stage-card-now">
          <p class="stage-card-kind" data-kind={live.kind}>
            {sessionKindLabel(live.kind)} · {formatRange(live.plannedStart, live.plannedEnd, timeZone)}
          </p>
          <p class="stage-card-title">{localized(live, 'title')}</p>
          <Speakers names={live.speakers} />
        </div>
      ) : (
        <div class="stage-card-now">
          <p class="stage-card-kind">{home.t('stage.nothingOnAir')}</p>
          {!next && <p class="stage-card-title muted">{home.t('stage.noMore')}</p>}
        </div>
      )}
      {next && (
        <div class="stage-card-next">
          <p class="stage-card-kind" data-kind={next.kind}>
            {Date.parse(next.plannedStart) <= now
              ? home.t('stage.plannedNotStarted', { start: startText(next, timeZone, now) })
              : home.t('stage.next', { start: startText(next, timeZone, now), relative: formatRelative(next.plannedStart, now) })}{' '}
            · {sessionKindLabel(next.kind)}
          </p>
          <p class="stage-card-next-title">{localized(next, 'title')}</p>
          {!live && <Speakers names={next.speakers} />}
        </div>
      )}
      <footer class="stage-card-foot">
        <span class="viewers" data-viewers={stage.viewers}>
          {viewersText(stage.viewers)}
        </span>
        <a class="button-link button-primary" href={watchHref}>
          {home.t('stage.watch')}
        </a>
      </footer>
    </article>
  );
}
