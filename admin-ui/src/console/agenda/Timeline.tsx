import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgendaItem, StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { sessionKindLabel } from '../../lib/sessionKinds';
import { joinNames } from '../ui/text';
import { formatRange, timeOfMinutes, wallClock } from '../../lib/zonedTime';

const PX_PER_MINUTE = 3;
const LANE_HEIGHT = 92;
const SNAP_MINUTES = 5;
const DRAG_THRESHOLD_PX = 5;
const DEFAULT_FIRST_HOUR = 8;
const DEFAULT_LAST_HOUR = 20;

export interface TimelineProps {
  stages: StageRecord[];
  items: AgendaItem[];
  zone: string;
  /** YYYY-MM-DD in the event's zone. */
  day: string;
  now: number;
  selectedId: string | null;
  /** A session the last change would have overlapped: outlined until the next change. */
  conflictId: string | null;
  onOpen: (item: AgendaItem) => void;
  onCreateAt(stageId: string, minutes: number): void;
  onMove(item: AgendaItem, stageId: string, startMinutes: number): void;
}

interface Placed {
  item: AgendaItem;
  lane: number;
  start: number;
  end: number;
}

interface Drag {
  id: string;
  pointerX: number;
  pointerY: number;
  deltaMinutes: number;
  deltaLanes: number;
  moved: boolean;
}

/** Live and done sessions carry a badge; scheduled ones need none. */
function StatusBadge({ status }: { status: AgendaItem['status'] }) {
  switch (status) {
    case 'live':
      return <span class="badge badge-live">{consoleAgenda.t('status.live')}</span>;
    case 'done':
      return <span class="badge">{consoleAgenda.t('status.done')}</span>;
    default:
      return null;
  }
}

const snap = (minutes: number): number => Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES;

/** Where each session of the day sits: its lane (stage) and its minutes since midnight, clipped to the day. */
function place(items: AgendaItem[], stages: StageRecord[], day: string, zone: string): Placed[] {
  const lanes = new Map(stages.map((s, i) => [s.id, i]));
  return items.flatMap((item) => {
    const lane = lanes.get(item.stageId);
    const start = wallClock(item.plannedStart, zone);
    const end = wallClock(item.plannedEnd, zone);
    if (lane === undefined || start.date > day || end.date < day || (end.date === day && end.minutes === 0 && start.date < day)) return [];
    return [{ item, lane, start: start.date < day ? 0 : start.minutes, end: end.date > day ? 24 * 60 : end.minutes }];
  });
}

/**
 * The day's sessions on one row per stage. Click a session to edit it, click an empty spot to plan a
 * session there, drag a session along its row (time) or onto another row (stage) to move it.
 */
export function Timeline(props: TimelineProps) {
  const { stages, zone, day, now } = props;
  const placed = place(props.items, stages, day, zone);
  const firstHour = Math.min(DEFAULT_FIRST_HOUR, ...placed.map((p) => Math.floor(p.start / 60)));
  const lastHour = Math.max(DEFAULT_LAST_HOUR, ...placed.map((p) => Math.ceil(p.end / 60)));
  const origin = firstHour * 60;
  const width = (lastHour - firstHour) * 60 * PX_PER_MINUTE;
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const today = wallClock(now, zone);
  const scroller = useRef<HTMLDivElement>(null);

  // Opening a day brings its first session (or, today, the current time) into view, not 08:00.
  const earliest = placed.length > 0 ? Math.min(...placed.map((p) => p.start)) : today.date === day ? today.minutes : origin;
  const hasSessions = placed.length > 0;
  useEffect(() => {
    if (scroller.current) scroller.current.scrollLeft = Math.max(0, (earliest - origin - 30) * PX_PER_MINUTE);
  }, [day, hasSessions]);
  // The session a change would overlap must be in view, or its outline says nothing.
  const conflictStart = placed.find((p) => p.item.id === props.conflictId)?.start;
  useEffect(() => {
    if (scroller.current && conflictStart !== undefined)
      scroller.current.scrollLeft = Math.max(0, (conflictStart - origin - 30) * PX_PER_MINUTE);
  }, [props.conflictId, conflictStart]);

  const updateDrag = (next: Drag | null): void => {
    dragRef.current = next;
    setDrag(next);
  };

  const onPointerDown = (event: PointerEvent, entry: Placed): void => {
    if (event.button !== 0 || entry.item.status === 'live') return;
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    updateDrag({ id: entry.item.id, pointerX: event.clientX, pointerY: event.clientY, deltaMinutes: 0, deltaLanes: 0, moved: false });
  };
  const onPointerMove = (event: PointerEvent, entry: Placed): void => {
    const current = dragRef.current;
    if (!current || current.id !== entry.item.id) return;
    const dx = event.clientX - current.pointerX;
    const dy = event.clientY - current.pointerY;
    const moved = current.moved || Math.hypot(dx, dy) > DRAG_THRESHOLD_PX;
    const deltaLanes = Math.max(-entry.lane, Math.min(stages.length - 1 - entry.lane, Math.round(dy / LANE_HEIGHT)));
    const deltaMinutes = snap(entry.start + dx / PX_PER_MINUTE) - entry.start;
    updateDrag({ ...current, moved, deltaMinutes, deltaLanes });
  };
  const onPointerUp = (entry: Placed): void => {
    const current = dragRef.current;
    updateDrag(null);
    if (!current || current.id !== entry.item.id) return;
    if (!current.moved) {
      props.onOpen(entry.item);
      return;
    }
    const stage = stages[entry.lane + current.deltaLanes];
    if (stage && (current.deltaMinutes !== 0 || current.deltaLanes !== 0))
      props.onMove(entry.item, stage.id, entry.start + current.deltaMinutes);
  };

  const onLaneClick = (event: MouseEvent, stage: StageRecord): void => {
    if (event.target !== event.currentTarget) return;
    const x = event.clientX - (event.currentTarget as HTMLElement).getBoundingClientRect().left;
    props.onCreateAt(stage.id, Math.floor((origin + x / PX_PER_MINUTE) / 15) * 15);
  };

  const hours = Array.from({ length: lastHour - firstHour + 1 }, (_, i) => firstHour + i);
  return (
    <div class="timeline" style={{ '--lane-height': `${LANE_HEIGHT}px` }}>
      <div class="timeline-stages">
        <div class="timeline-corner" />
        {stages.map((stage) => (
          <div key={stage.id} class="timeline-stage-name" title={localized(stage, 'name')}>
            <strong>{localized(stage, 'name')}</strong>
            <span class="muted">{stage.id}</span>
          </div>
        ))}
      </div>
      <div class="timeline-scroll" ref={scroller}>
        <div class="timeline-body" style={{ width: `${width}px` }}>
          <div class="timeline-hours">
            {hours.map((hour) => (
              <span key={hour} class="timeline-hour" style={{ left: `${(hour * 60 - origin) * PX_PER_MINUTE}px` }}>
                {timeOfMinutes(hour * 60)}
              </span>
            ))}
          </div>
          {stages.map((stage, lane) => (
            <div
              key={stage.id}
              class="timeline-lane"
              data-stage={stage.id}
              style={{ backgroundSize: `${60 * PX_PER_MINUTE}px 100%` }}
              onClick={(event) => onLaneClick(event, stage)}
              title={consoleAgenda.t('timeline.laneHint')}
            >
              {placed
                .filter((entry) => entry.lane === lane)
                .map((entry) => {
                  const dragging = drag?.id === entry.item.id && drag.moved ? drag : null;
                  const start = entry.start + (dragging?.deltaMinutes ?? 0);
                  const classes = ['session-block', `kind-${entry.item.kind}`, `status-${entry.item.status}`];
                  if (entry.item.id === props.selectedId) classes.push('selected');
                  if (entry.item.id === props.conflictId) classes.push('conflict');
                  if (dragging) classes.push('dragging');
                  return (
                    <button
                      key={entry.item.id}
                      type="button"
                      class={classes.join(' ')}
                      data-session={entry.item.id}
                      style={{
                        left: `${(start - origin) * PX_PER_MINUTE}px`,
                        width: `${Math.max(24, (entry.end - entry.start) * PX_PER_MINUTE)}px`,
                        transform: dragging ? `translateY(${dragging.deltaLanes * LANE_HEIGHT}px)` : undefined,
                      }}
                      title={[
                        localized(entry.item, 'title'),
                        formatRange(entry.item.plannedStart, entry.item.plannedEnd, zone),
                        consoleAgenda.t(entry.item.status === 'live' ? 'timeline.liveHint' : 'timeline.editHint'),
                      ].join('\n')}
                      onPointerDown={(e) => onPointerDown(e, entry)}
                      onPointerMove={(e) => onPointerMove(e, entry)}
                      onPointerUp={() => onPointerUp(entry)}
                      onPointerCancel={() => updateDrag(null)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          props.onOpen(entry.item);
                        }
                      }}
                    >
                      <span class="session-time">
                        <StatusBadge status={entry.item.status} />
                        {dragging
                          ? `${timeOfMinutes(start)}–${timeOfMinutes(start + entry.end - entry.start)}`
                          : formatRange(entry.item.plannedStart, entry.item.plannedEnd, zone)}
                      </span>
                      <span class="session-title">{localized(entry.item, 'title')}</span>
                      <span class="session-meta">
                        {sessionKindLabel(entry.item.kind)}
                        {entry.item.speakers.length > 0 && ` · ${joinNames(entry.item.speakers.map((s) => s.name))}`}
                      </span>
                    </button>
                  );
                })}
            </div>
          ))}
          {today.date === day && today.minutes >= origin && today.minutes <= lastHour * 60 && (
            <div
              class="timeline-now"
              style={{ left: `${(today.minutes - origin) * PX_PER_MINUTE}px` }}
              title={consoleAgenda.t('timeline.now', { time: today.time })}
            />
          )}
        </div>
      </div>
    </div>
  );
}
