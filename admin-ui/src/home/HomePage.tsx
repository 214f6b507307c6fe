import type { PublicEventView } from '../../../signaling/contract';
import { formatTime, usableZone } from '../lib/zonedTime';
import { StageCard } from './StageCard';
import { REFRESH_MS, usePublicEvents } from './usePublicEvents';

function EventSection({ event, now }: { event: PublicEventView; now: number }) {
  const zone = usableZone(event.timezone);
  return (
    <section class="event" data-event={event.id} aria-labelledby={`event-${event.id}`}>
      <header class="event-head">
        <h2 id={`event-${event.id}`}>{event.name}</h2>
        <span class="muted">Times in {zone}</span>
      </header>
      {event.stages.length === 0 ? (
        <p class="empty">No stage yet.</p>
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
  const { view, error, updatedAt } = usePublicEvents();
  const now = updatedAt ?? Date.now();
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div class="home">
      <header class="home-bar">
        <div>
          <h1>stagecast</h1>
          <p class="muted">Live stages on this node</p>
        </div>
        <a class="button-link button-quiet" href="/admin">
          Open the console
        </a>
      </header>
      <main class="home-main" aria-busy={view === null && error === null}>
        {error && (
          <p class="notice" role="alert">
            {view ? 'Could not refresh' : 'Could not load the events'}: {error}. Trying again every {REFRESH_MS / 1000} s.
          </p>
        )}
        {view === null && error === null && <p class="muted">Loading…</p>}
        {view && view.events.length === 0 && (
          <p class="empty">No public event on this node yet. Hosts and admins create events in the console.</p>
        )}
        {view?.events.map((event) => (
          <EventSection key={event.id} event={event} now={now} />
        ))}
      </main>
      {updatedAt !== null && (
        <footer class="home-foot muted" data-updated-at={updatedAt}>
          Updated {formatTime(updatedAt, localZone)} · refreshes every {REFRESH_MS / 1000} s
        </footer>
      )}
    </div>
  );
}
