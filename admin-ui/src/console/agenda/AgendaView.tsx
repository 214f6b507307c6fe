import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgendaItem, SessionRecord } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';
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

/** Hosts and admins plan the programme: every stage's sessions of one day on a time line. */
export function AgendaView() {
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
      const where = stageId === item.stageId ? '' : ` on ${stages.find((s) => s.id === stageId)?.name ?? stageId}`;
      notify({
        tone: 'success',
        text: `Moved “${item.title}” to ${formatRange(plannedStart, plannedEnd, zone)}${where}.`,
        action: {
          label: 'Undo',
          run: () => {
            api.patch<SessionRecord>(eventPath(identity.eventId, 'sessions', item.id), before).catch((error: unknown) => {
              notify({ tone: 'error', text: `Could not undo the move: ${error instanceof ApiError ? error.message : String(error)}` });
            });
          },
        },
      });
    } catch (error) {
      const overlapped = error instanceof ApiError ? error.conflictingSession : null;
      setConflictId(overlapped?.id ?? null);
      const reason = overlapped
        ? `it would overlap “${overlapped.title}” (${formatRange(overlapped.plannedStart, overlapped.plannedEnd, zone)})`
        : error instanceof ApiError
          ? error.message
          : String(error);
      notify({ tone: 'error', text: `“${item.title}” was not moved: ${reason}.` });
    }
    await agenda.reload();
  };

  const itemsOfDay = agenda.items.filter((item) => wallClock(item.plannedStart, zone).date === day);
  return (
    <section class={`view agenda-view${editing ? ' with-drawer' : ''}`} aria-labelledby="agenda-heading">
      <div class="view-main">
        <header class="view-head">
          <div>
            <h1 id="agenda-heading">Agenda</h1>
            <p class="muted">
              {formatDay(day)} · {itemsOfDay.length} session{itemsOfDay.length === 1 ? '' : 's'} · times in {zone}
            </p>
          </div>
          <div class="toolbar">
            <div class="segmented" role="group" aria-label="Day">
              <button type="button" aria-label="Previous day" onClick={() => setDay(shiftDay(day, -1))}>
                ‹
              </button>
              <input
                type="date"
                aria-label="Day shown"
                value={day}
                onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)}
              />
              <button type="button" aria-label="Next day" onClick={() => setDay(shiftDay(day, 1))}>
                ›
              </button>
            </div>
            <button type="button" class="button-quiet" onClick={() => setDay(wallClock(Date.now(), zone).date)}>
              Today
            </button>
            <button
              type="button"
              id="new-session"
              class="button-primary"
              disabled={stages.length === 0}
              onClick={() => openNew(stages[0]?.id ?? '', nextFreeHour())}
            >
              New session
            </button>
          </div>
        </header>

        {days.length > 0 && (
          <nav class="day-chips" aria-label="Days with sessions">
            {days.map((d) => (
              <button key={d} type="button" class="chip-button" aria-pressed={d === day} onClick={() => setDay(d)}>
                {formatDay(d)}
              </button>
            ))}
          </nav>
        )}

        {agenda.error && (
          <p class="form-error" role="alert">
            Could not load the agenda: {agenda.error}
          </p>
        )}
        {stages.length === 0 ? (
          <p class="empty">This event has no stages yet.</p>
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
        {agenda.loaded && itemsOfDay.length === 0 && stages.length > 0 && (
          <p class="empty">Nothing planned on {formatDay(day)}. Click a stage's row at a time, or use New session.</p>
        )}
        <p class="hint">Drag a session to move it (5-minute steps; onto another row to change its stage). Live sessions stay put.</p>
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
