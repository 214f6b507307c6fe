import type { PublicEventView } from '../../../signaling/contract';
import { localized } from '../i18n/content';
import { LocaleMenu } from '../i18n/LocaleMenu';
import { home } from '../i18n/messages/home';
import { useLocale } from '../i18n/preact';
import { formatTime, usableZone } from '../lib/zonedTime';
import { StageCard } from './StageCard';
import { REFRESH_MS, usePublicEvents } from './usePublicEvents';

function EventSection({ event, now }: { event: PublicEventView; now: number }) {
  const zone = usableZone(event.timezone);
  return (
    <section class="event" data-event={event.id} aria-labelledby={`event-${event.id}`}>
      <header class="event-head">
        <h2 id={`event-${event.id}`}>{localized(event, 'name')}</h2>
        <span class="muted">{home.t('event.zone', { zone })}</span>
      </header>
      {event.stages.length === 0 ? (
        <p class="empty">{home.t('event.noStage')}</p>
      ) : (
        <div class="stage-grid">
          {event.stages.map((stage) => (
            <StageCard key={stage.id} eventId={event.id} stage={stage} timeZone={zone} now={now} />
          ))}
        </div>
      )}
    </section>
  );
}

/** The front page: the public events of this node and their stages, refreshed every few seconds. */
export function HomePage() {
  useLocale();
  const { view, error, updatedAt } = usePublicEvents();
  const seconds = REFRESH_MS / 1000;
  const now = updatedAt ?? Date.now();
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div class="home">
      <header class="home-bar">
        <div>
          <h1>{home.t('page.title')}</h1>
          <p class="muted">{home.t('bar.subtitle')}</p>
        </div>
        <LocaleMenu />
        <a class="button-link button-quiet" href="/admin">
          {home.t('bar.console')}
        </a>
      </header>
      <main class="home-main" aria-busy={view === null && error === null}>
        {error && (
          <p class="notice" role="alert">
            {home.t(view ? 'load.refreshFailed' : 'load.failed', { error, seconds })}
          </p>
        )}
        {view === null && error === null && <p class="muted">{home.t('load.loading')}</p>}
        {view && view.events.length === 0 && <p class="empty">{home.t('load.empty')}</p>}
        {view?.events.map((event) => (
          <EventSection key={event.id} event={event} now={now} />
        ))}
      </main>
      {updatedAt !== null && (
        <footer class="home-foot muted" data-updated-at={updatedAt}>
          {home.t('foot.updated', { time: formatTime(updatedAt, localZone), seconds })}
        </footer>
      )}
    </div>
  );
}
