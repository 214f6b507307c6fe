import type { AlertRecord, StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleAlerts } from '../../i18n/messages/consoleAlerts';
import { formatClock } from '../ui/time';
import { alertTitle } from './alertText';

const t = consoleAlerts.t;

interface AlertListProps {
  open: AlertRecord[];
  recent: AlertRecord[];
  stages: StageRecord[];
  /** The event's time zone: alert times are on the venue's clock. */
  zone: string;
  /** The label of the source an alert is about. */
  sourceLabel: (alert: AlertRecord) => string;
}

/** One alert's title (translated from its rule) with the server's own words under it. */
function AlertText({ alert, sourceLabel }: { alert: AlertRecord; sourceLabel: (alert: AlertRecord) => string }) {
  const title = alertTitle(alert, sourceLabel);
  return (
    <>
      <p class="alert-message">{title}</p>
      {title !== alert.message && <p class="alert-detail">{alert.message}</p>}
    </>
  );
}

/** Alerts open now (loudest first), then the ones that cleared lately. */
export function AlertList({ open, recent, stages, zone, sourceLabel }: AlertListProps) {
  const stageName = new Map(stages.map((s) => [s.id, localized(s, 'name')]));
  const where = (alert: AlertRecord): string => (alert.stageId ? (stageName.get(alert.stageId) ?? alert.stageId) : t('node'));
  const sorted = [...open].sort(
    (a, b) => Number(b.severity === 'critical') - Number(a.severity === 'critical') || b.raisedAt.localeCompare(a.raisedAt),
  );
  return (
    <section class="panel alerts-panel" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">
        {t('heading')} <span class={`count${open.length > 0 ? ' count-alert' : ''}`}>{open.length}</span>
      </h2>
      {sorted.length === 0 ? (
        <p class="muted all-clear">{t('allClear')}</p>
      ) : (
        <ul class="alert-list" id="active-alerts">
          {sorted.map((alert) => (
            <li key={alert.id} class={`alert alert-${alert.severity}`} data-rule={alert.rule} data-stage={alert.stageId ?? ''}>
              <div class="alert-head">
                <span class="alert-severity">{t(`severity.${alert.severity}`)}</span>
                <span class="alert-where">{where(alert)}</span>
                <span class="alert-time">{t('since', { time: formatClock(alert.raisedAt, zone) })}</span>
              </div>
              <AlertText alert={alert} sourceLabel={sourceLabel} />
            </li>
          ))}
        </ul>
      )}
      <h3>{t('recent')}</h3>
      {recent.length === 0 ? (
        <p class="muted">{t('recentNone')}</p>
      ) : (
        <ul class="alert-list alert-list-recent">
          {recent.slice(0, 12).map((alert) => (
            <li key={alert.id} class="alert alert-cleared" data-rule={alert.rule}>
              <div class="alert-head">
                <span class="alert-where">{where(alert)}</span>
                <span class="alert-time">
                  {formatClock(alert.raisedAt, zone)}–{alert.clearedAt ? formatClock(alert.clearedAt, zone) : ''}
                  {alert.clearReason === 'gone' ? ` · ${t('sourceGone')}` : ''}
                </span>
              </div>
              <AlertText alert={alert} sourceLabel={sourceLabel} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
