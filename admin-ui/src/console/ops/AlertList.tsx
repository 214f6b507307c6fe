import type { AlertRecord, StageRecord } from '../../../../signaling/contract';

const clock = (iso: string): string =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Alerts open now (loudest first), then the ones that cleared lately. */
export function AlertList({ open, recent, stages }: { open: AlertRecord[]; recent: AlertRecord[]; stages: StageRecord[] }) {
  const stageName = new Map(stages.map((s) => [s.id, s.name]));
  const where = (alert: AlertRecord): string => (alert.stageId ? (stageName.get(alert.stageId) ?? alert.stageId) : 'node');
  const sorted = [...open].sort(
    (a, b) => Number(b.severity === 'critical') - Number(a.severity === 'critical') || b.raisedAt.localeCompare(a.raisedAt),
  );
  return (
    <section class="panel alerts-panel" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">
        Active alerts <span class={`count${open.length > 0 ? ' count-alert' : ''}`}>{open.length}</span>
      </h2>
      {sorted.length === 0 ? (
        <p class="muted all-clear">All clear.</p>
      ) : (
        <ul class="alert-list" id="active-alerts">
          {sorted.map((alert) => (
            <li key={alert.id} class={`alert alert-${alert.severity}`} data-rule={alert.rule} data-stage={alert.stageId ?? ''}>
              <div class="alert-head">
                <span class="alert-severity">{alert.severity}</span>
                <span class="alert-where">{where(alert)}</span>
                <span class="alert-time">since {clock(alert.raisedAt)}</span>
              </div>
              <p class="alert-message">{alert.message}</p>
            </li>
          ))}
        </ul>
      )}
      <h3>Recently cleared</h3>
      {recent.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <ul class="alert-list alert-list-recent">
          {recent.slice(0, 12).map((alert) => (
            <li key={alert.id} class="alert alert-cleared" data-rule={alert.rule}>
              <div class="alert-head">
                <span class="alert-where">{where(alert)}</span>
                <span class="alert-time">
                  {clock(alert.raisedAt)}–{alert.clearedAt ? clock(alert.clearedAt) : ''}
                  {alert.clearReason === 'gone' ? ' · source gone' : ''}
                </span>
              </div>
              <p class="alert-message">{alert.message}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
