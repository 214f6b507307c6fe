import type { AgendaItem, StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { sessionKindLabel } from '../../lib/sessionKinds';
import { formatRange } from '../../lib/zonedTime';
import { joinNames } from '../ui/text';

const t = consoleAgenda.t;

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
  const stageName = new Map(stages.map((s) => [s.id, localized(s, 'name')]));
  return (
    <section class="running-order" aria-labelledby="running-order-heading">
      <h2 id="running-order-heading">{t('order.heading')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('order.time')}</th>
            <th scope="col">{t('order.stage')}</th>
            <th scope="col">{t('order.session')}</th>
            <th scope="col">{t('order.speakers')}</th>
            <th scope="col">{t('order.status')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} class={`status-${item.status}`} data-session={item.id}>
              <td class="nowrap">{formatRange(item.plannedStart, item.plannedEnd, zone)}</td>
              <td>{stageName.get(item.stageId) ?? item.stageId}</td>
              <td>
                <button type="button" class="link-button" onClick={() => onOpen(item)}>
                  {localized(item, 'title')}
                </button>
                <span class={`kind-dot kind-${item.kind}`}>
                  {sessionKindLabel(item.kind)}
                  {item.achievements.length > 0 && ` · ${joinNames(item.achievements.map((a) => localized(a, 'title')))}`}
                </span>
              </td>
              <td>{joinNames(item.speakers.map((s) => s.name)) || <span class="muted">—</span>}</td>
              <td>
                {item.status === 'live' ? (
                  <span class="badge badge-live">{t('status.live')}</span>
                ) : (
                  <span class="muted">{t(`status.${item.status}`)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
