import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgendaItem, SessionRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleText } from '../../i18n/messages/console';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { useLocale } from '../../i18n/preact';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { useNow } from '../../live/hooks';
import { useAgenda } from '../useAgenda';
import { type SessionDraft, draftOf, newDraft } from './sessionDraft';
import { RunningOrder } from './RunningOrder';
import { SessionEditor } from './SessionEditor';
import { Timeline } from './Timeline';
import { formatDay, formatRange, isoAt, shiftDay, usableZone, wallClock } from '../../lib/zonedTime';

interface Editing {
  draft: SessionDraft;
  status: SessionRecord['status'] | null;
  /** Remounts the editor when another session is opened. */
  key: string;
}

const t = consoleAgenda.t;

/** Hosts and admins plan the programme: every stage's sessions of one day on a time line. */
export function AgendaView() {
  useLocale();
  const { api, identity, event, stages, notify } = useConsole();
  const agenda = useAgenda();
  const now = useNow(30_000);
  const zone = usableZone(event?.timezone);
  const [day, setDayState] = useState(() => wallClock(Date.now(), zone).date);
  // Until someone picks a day, "today" follows the event's zone (it arrives after the first render).
  const dayPicked = useRef(false);
  const setDay = (next: string): void => {
    dayPicked.current = true;
    setDayState(next);
  };
  useEffect(() => {
    if (!dayPicked.current) setDayState(wallClock(Date.now(), zone).date);
  }, [zone]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [conflictId, setConflictId] = useState<string | null>(null);

  const days = [...new Set(agenda.items.map((item) => wallClock(item.plannedStart, zone).date))].sort();
  const openItem = (item: AgendaItem): void => setEditing({ draft: draftOf(item, zone), status: item.status, key: item.id });
  const openNew = (stageId: string, minutes: number): void => {
    setConflictId(null);
    setEditing({ draft: newDraft(stageId, day, minutes), status: null, key: `new-${Date.now()}` });
  };
  const nextFreeHour = (): number => Math.min(22, Math.max(8, Math.ceil((wallClock(now, zone).minutes + 1) / 60))) * 60;

  const move = async (item: AgendaItem, stageId: string, startMinutes: number): Promise<void> => {
    const duration = Date.parse(item.plannedEnd) - Date.parse(item.plannedStart);
    const plannedStart = isoAt(day, startMinutes, zone);
    const plannedEnd = new Date(Date.parse(plannedStart) + duration).toISOString();
    const before = { stageId: item.stageId, plannedStart: item.plannedStart, plannedEnd: item.plannedEnd };
    setConflictId(null);
    try {
      await api.patch<SessionRecord>(eventPath(identity.eventId, 'sessions', item.id), { stageId, plannedStart, plannedEnd });
      const stage = stages.find((s) => s.id === stageId);
      const moved = { title: localized(item, 'title'), range: formatRange(plannedStart, plannedEnd, zone) };
      notify({
        tone: 'success',
        text:
          stageId === item.stageId
            ? t('move.done', moved)
            : t('move.doneToStage', { ...moved, stage: stage ? localized(stage, 'name') : stageId }),
        action: {
          label: consoleText.t('notice.undo'),
          run: () => {
            api.patch<SessionRecord>(eventPath(identity.eventId, 'sessions', item.id), before).catch((error: unknown) => {
              notify({ tone: 'error', text: t('move.undoFailed', { error: errorText(error) }) });
            });
          },
        },
      });
    } catch (error) {
      const overlapped = error instanceof ApiError ? error.conflictingSession : null;
      setConflictId(overlapped?.id ?? null);
      const reason = overlapped
        ? t('move.overlap', {
            title: localized(overlapped, 'title'),
            range: formatRange(overlapped.plannedStart, overlapped.plannedEnd, zone),
          })
        : errorText(error);
      notify({ tone: 'error', text: t('move.refused', { title: localized(item, 'title'), reason }) });
    }
    await agenda.reload();
  };

  const itemsOfDay = agenda.items.filter((item) => wallClock(item.plannedStart, zone).date === day);
  return (
    <section class={`view agenda-view${editing ? ' with-drawer' : ''}`} aria-labelledby="agenda-heading">
      <div class="view-main">
        <header class="view-head">
          <div>
            <h1 id="agenda-heading">{t('heading')}</h1>
            <p class="muted" id="agenda-summary">
              {t('summary', { day: formatDay(day), sessions: t('summary.sessions', { count: itemsOfDay.length }), zone })}
            </p>
          </div>
          <div class="toolbar">
            <div class="segmented" role="group" aria-label={t('day.group')}>
              <button type="button" aria-label={t('day.previous')} onClick={() => setDay(shiftDay(day, -1))}>
                ‹
              </button>
              <input
                type="date"
                aria-label={t('day.shown')}
                value={day}
                onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)}
              />
              <button type="button" aria-label={t('day.next')} onClick={() => setDay(shiftDay(day, 1))}>
                ›
              </button>
            </div>
            <button type="button" class="button-quiet" onClick={() => setDay(wallClock(Date.now(), zone).date)}>
              {t('day.today')}
            </button>
            <button
              type="button"
              id="new-session"
              class="button-primary"
              disabled={stages.length === 0}
              onClick={() => openNew(stages[0]?.id ?? '', nextFreeHour())}
            >
              {t('newSession')}
            </button>
          </div>
        </header>

        {days.length > 0 && (
          <nav class="day-chips" aria-label={t('day.withSessions')}>
            {days.map((d) => (
              <button key={d} type="button" class="chip-button" aria-pressed={d === day} onClick={() => setDay(d)}>
                {formatDay(d)}
              </button>
            ))}
          </nav>
        )}

        {agenda.error !== null && (
          <p class="form-error" role="alert">
            {t('loadFailed', { error: errorText(agenda.error) })}
          </p>
        )}
        {stages.length === 0 ? (
          <p class="empty">{consoleText.t('stages.none')}</p>
        ) : (
          <Timeline
            stages={stages}
            items={agenda.items}
            zone={zone}
            day={day}
            now={now}
            selectedId={editing?.draft.id ?? null}
            conflictId={conflictId}
            onOpen={openItem}
            onCreateAt={openNew}
            onMove={(item, stageId, start) => void move(item, stageId, start)}
          />
        )}
        {agenda.loaded && itemsOfDay.length === 0 && stages.length > 0 && <p class="empty">{t('emptyDay', { day: formatDay(day) })}</p>}
        <p class="hint">{t('dragHint')}</p>
        <RunningOrder items={itemsOfDay} stages={stages} zone={zone} onOpen={openItem} />
      </div>

      {editing && (
        <SessionEditor
          key={editing.key}
          initial={editing.draft}
          status={editing.status}
          stages={stages}
          speakers={agenda.speakers}
          achievements={agenda.achievements}
          zone={zone}
          onClose={() => {
            setEditing(null);
            setConflictId(null);
          }}
          onSaved={(session) => {
            setEditing(null);
            setConflictId(null);
            setDay(wallClock(session.plannedStart, zone).date);
            void agenda.reload();
          }}
          onDeleted={() => {
            setEditing(null);
            void agenda.reload();
          }}
          onConflict={(session) => {
            setConflictId(session?.id ?? null);
            if (session) setDay(wallClock(session.plannedStart, zone).date);
          }}
          onListsChanged={() => void agenda.reload()}
        />
      )}
    </section>
  );
}
