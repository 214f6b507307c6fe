import { useMemo } from 'preact/hooks';
import type { AlertRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { formatNumber } from '../../i18n/format';
import { consoleOps } from '../../i18n/messages/consoleOps';
import { useLocale } from '../../i18n/preact';
import { useNow } from '../../live/hooks';
import { usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { AlertList } from './AlertList';
import { NodeList } from './NodeList';
import { alertSourceLabel, bitrateChart, lossChart, scoreChart, stageStatus, viewersChart, workerCpuChart } from './healthSeries';
import { StageHealthCards } from './StageHealthCards';
import { TimeChart } from './TimeChart';
import { useHealth } from './useHealth';

/** Ops watch stream health: each stage's state at a glance, ten minutes of charts, and the alerts. */
const t = consoleOps.t;

export function OpsView() {
  // Labels, reasons and chart legends are worded in the page's language: computed again when it changes.
  const locale = useLocale();
  const { stages, event } = useConsole();
  const zone = usableZone(event?.timezone);
  const feed = useHealth();
  const now = useNow(1000);
  const latest = feed.samples[feed.samples.length - 1] ?? null;
  const stageNames = useMemo(() => new Map(stages.map((s) => [s.id, localized(s, 'name', locale)])), [stages, locale]);
  const statuses = useMemo(
    () => new Map(stages.map((s) => [s.id, stageStatus(s.id, latest, feed.open)])),
    [stages, latest, feed.open, locale],
  );
  const charts = useMemo(
    () => ({
      bitrate: bitrateChart(feed.samples, stageNames),
      loss: lossChart(feed.samples, stageNames),
      score: scoreChart(feed.samples, stageNames),
      cpu: workerCpuChart(feed.samples),
      viewers: viewersChart(feed.samples, stageNames),
    }),
    [feed.samples, stageNames, locale],
  );
  const sourceLabel = (alert: AlertRecord): string => alertSourceLabel(latest, alert) ?? alert.sourceId ?? '';
  const down = [...statuses.values()].filter((s) => s.level === 'down' || s.level === 'critical').length;

  return (
    <section class="view ops-view" aria-labelledby="ops-heading">
      <header class="view-head">
        <div>
          <h1 id="ops-heading">{t('heading')}</h1>
          <p class="muted">
            <span class="monitor-state" data-state={feed.subscribed ? 'live' : 'reconnecting'}>
              {t(feed.subscribed ? 'state.live' : 'state.connecting')}
            </span>
            {feed.intervalMs !== null && ` · ${t('summary.interval', { seconds: feed.intervalMs / 1000 })}`}
            {latest &&
              ` · ${t('summary.node', {
                node: latest.nodeId,
                cpu: Math.round(latest.node.cpuPercent),
                lag: formatNumber(latest.node.eventLoopLagMs.p99, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
              })}`}
          </p>
        </div>
        {down > 0 && (
          <p class="ops-banner" role="alert">
            {t('trouble', { count: down })}
          </p>
        )}
      </header>
      {feed.error !== null && (
        <p class="form-error" role="alert">
          {t('unavailable', { error: errorText(feed.error) })}
        </p>
      )}
      <StageHealthCards stages={stages} statuses={statuses} />
      <div class="ops-layout">
        <div class="chart-grid">
          <TimeChart title={t('chart.bitrate')} unit=" Mb/s" data={charts.bitrate} now={now} zone={zone} minMax={1} />
          <TimeChart title={t('chart.loss')} unit=" %" data={charts.loss} now={now} zone={zone} minMax={5} />
          <TimeChart title={t('chart.score')} unit="" data={charts.score} now={now} zone={zone} yRange={[0, 10]} />
          <TimeChart title={t('chart.cpu')} unit=" %" data={charts.cpu} now={now} zone={zone} minMax={20} />
          <TimeChart title={t('chart.viewers')} unit="" data={charts.viewers} now={now} zone={zone} minMax={5} />
        </div>
        <div class="ops-side">
          <AlertList open={feed.open} recent={feed.recent} stages={stages} zone={zone} sourceLabel={sourceLabel} />
          <NodeList />
        </div>
      </div>
    </section>
  );
}
