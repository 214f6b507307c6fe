import type { AgendaItem, StageRecord } from '../../../../signaling/contract';
import { sessionKindLabel } from '../../lib/sessionKinds';
import { formatRange } from '../../lib/zonedTime';

const STATUS_TEXT = { scheduled: 'Scheduled', live: 'Live', done: 'Done' } as const;

/** The day as a list, in time order across stages: the same sessions as the timeline, easy to scan and to reach by keyboard. */
export function RunningOrder({
  items,
  stages,
  zone,
  onOpen,
}: {
  items: AgendaItem[];
  stages: StageRecord[];
  zone: string;
  onOpen: (item: AgendaItem) => void;
}) {
  if (items.length === 0) return null;
  const stageName = new Map(stages.map((s) => [s.id, s.name]));
  return (
    <section class="running-order" aria-labelledby="running-order-heading">
      <h2 id="running-order-heading">Running order</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Stage</th>
            <th scope="col">Session</th>
            <th scope="col">Speakers</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} class={`status-${item.status}`} data-session={item.id}>
              <td class="nowrap">{formatRange(item.plannedStart, item.plannedEnd, zone)}</td>
              <td>{stageName.get(item.stageId) ?? item.stageId}</td>
              <td>
                <button type="button" class="link-button" onClick={() => onOpen(item)}>
                  {item.title}
                </button>
                <span class={`kind-dot kind-${item.kind}`}>
                  {sessionKindLabel(item.kind)}
                  {item.achievements.length > 0 && ` · ${item.achievements.map((a) => a.title).join(', ')}`}
                </span>
              </td>
              <td>{item.speakers.map((s) => s.name).join(', ') || <span class="muted">—</span>}</td>
              <td>
                {item.status === 'live' ? (
                  <span class="badge badge-live">Live</span>
                ) : (
                  <span class="muted">{STATUS_TEXT[item.status]}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
