import { useEffect, useState } from 'preact/hooks';
import type { AgendaItem } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { sessionKindLabel } from '../../lib/sessionKinds';
import { formatRange } from '../../lib/zonedTime';
import { joinNames } from '../ui/text';

const t = consoleStage.t;

interface SessionControlsProps {
  /** The stage's sessions in time order. */
  items: AgendaItem[];
  zone: string;
  busy: boolean;
  onStart: (item: AgendaItem) => void;
  onEnd: (item: AgendaItem) => void;
}

const ARMED_MS = 4_000;

/**
 * The live session and what comes next. Starting and ending cannot be undone (an ended session stays
 * over), so each takes two clicks: the first arms the button for a few seconds, the second acts.
 */
export function SessionControls({ items, zone, busy, onStart, onEnd }: SessionControlsProps) {
  const [armed, setArmed] = useState<string | null>(null);
  useEffect(() => {
    if (!armed) return;
    const timer = window.setTimeout(() => setArmed(null), ARMED_MS);
    return () => window.clearTimeout(timer);
  }, [armed]);
  const live = items.find((item) => item.status === 'live') ?? null;
  // What follows the live session comes first; sessions planned before it that never ran come after.
  const scheduled = items.filter((item) => item.status === 'scheduled');
  const liveStart = live ? Date.parse(live.plannedStart) : -Infinity;
  const upcoming = [
    ...scheduled.filter((item) => Date.parse(item.plannedStart) >= liveStart),
    ...scheduled.filter((item) => Date.parse(item.plannedStart) < liveStart),
  ].slice(0, 4);
  const twoStep = (key: string, act: () => void) => () => {
    if (armed === key) {
      setArmed(null);
      act();
    } else setArmed(key);
  };

  return (
    <section class="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{t('sessions.heading')}</h2>
      {live ? (
        <div class="session-live" data-session={live.id}>
          <span class="badge badge-live">{t('sessions.live')}</span>
          <div class="session-live-text">
            <strong>{localized(live, 'title')}</strong>
            <span class="muted">
              {formatRange(live.plannedStart, live.plannedEnd, zone)} · {sessionKindLabel(live.kind)}
              {live.speakers.length > 0 && ` · ${joinNames(live.speakers.map((s) => s.name))}`}
            </span>
          </div>
          <button
            type="button"
            id="end-session"
            class={armed === `end-${live.id}` ? 'button-danger' : 'button-quiet'}
            disabled={busy}
            onClick={twoStep(`end-${live.id}`, () => onEnd(live))}
          >
            {t(armed === `end-${live.id}` ? 'sessions.endConfirm' : 'sessions.end')}
          </button>
        </div>
      ) : (
        <p class="muted">{t('sessions.noLive')}</p>
      )}
      {upcoming.length > 0 ? (
        <ol class="session-queue">
          {upcoming.map((item, index) => {
            const key = `start-${item.id}`;
            const label = t(index === 0 && live ? 'sessions.startNext' : 'sessions.start');
            return (
              <li key={item.id} data-session={item.id} class={index === 0 ? 'next' : undefined}>
                <div class="session-queue-text">
                  {index === 0 && <span class="badge">{t('sessions.next')}</span>}
                  <strong>{localized(item, 'title')}</strong>
                  <span class="muted">{formatRange(item.plannedStart, item.plannedEnd, zone)}</span>
                </div>
                <button
                  type="button"
                  class={armed === key ? 'button-primary' : 'button-quiet'}
                  disabled={busy}
                  onClick={twoStep(key, () => onStart(item))}
                >
                  {armed !== key
                    ? label
                    : live
                      ? t('sessions.switchConfirm', { title: localized(live, 'title') })
                      : t('sessions.startConfirm')}
                </button>
              </li>
            );
          })}
        </ol>
      ) : (
        <p class="muted">{t('sessions.noMore')}</p>
      )}
    </section>
  );
}
