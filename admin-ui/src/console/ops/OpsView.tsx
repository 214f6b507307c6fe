import { useMemo } from 'preact/hooks';
import { useNow } from '../../live/hooks';
import { useConsole } from '../context';
import { AlertList } from './AlertList';
import { NodeList } from './NodeList';
import { bitrateChart, lossChart, scoreChart, stageStatus, viewersChart, workerCpuChart } from './healthSeries';
import { StageHealthCards } from './StageHealthCards';
import { TimeChart } from './TimeChart';
import { useHealth } from './useHealth';

/** Ops watch stream health: each stage's state at a glance, ten minutes of charts, and the alerts. */
export function OpsView() {
  const { stages } = useConsole();
  const feed = useHealth();
  const now = useNow(1000);
  const latest = feed.samples[feed.samples.length - 1] ?? null;
  const stageNames = useMemo(() => new Map(stages.map((s) => [s.id, s.name])), [stages]);
  const statuses = useMemo(() => new Map(stages.map((s) => [s.id, stageStatus(s.id, latest, feed.open)])), [stages, latest, feed.open]);
  const charts = useMemo(
    () => ({
      bitrate: bitrateChart(feed.samples, stageNames),
      loss: lossChart(feed.samples, stageNames),
      score: scoreChart(feed.samples, stageNames),
      cpu: workerCpuChart(feed.samples),
      viewers: viewersChart(feed.samples, stageNames),
    }),
    [feed.samples, stageNames],
  );
  const down = [...statuses.values()].filter((s) => s.level === 'down' || s.level === 'critical').length;

  return (
    <section class="view ops-view" aria-labelledby="ops-heading">
      <header class="view-head">
        <div>
          <h1 id="ops-heading">Stream health</h1>
          <p class="muted">
            <span class="monitor-state" data-state={feed.subscribed ? 'live' : 'reconnecting'}>
              {feed.subscribed ? 'Live' : 'Connecting…'}
            </span>
            {feed.intervalMs !== null && ` · a sample every ${feed.intervalMs / 1000} s`}
            {latest &&
              ` · node ${latest.nodeId} · CPU ${Math.round(latest.node.cpuPercent)} % · event loop p99 ${latest.node.eventLoopLagMs.p99.toFixed(1)} ms`}
          </p>
        </div>
        {down > 0 && (
          <p class="ops-banner" role="alert">
            {down} stage{down === 1 ? '' : 's'} in trouble
          </p>
        )}
      </header>
      {feed.error && (
        <p class="form-error" role="alert">
          Health data unavailable: {feed.error}
        </p>
      )}
      <StageHealthCards stages={stages} statuses={statuses} />
      <div class="ops-layout">
        <div class="chart-grid">
          <TimeChart title="Source bitrate" unit=" Mb/s" data={charts.bitrate} now={now} minMax={1} />
          <TimeChart title="Packet loss" unit=" %" data={charts.loss} now={now} minMax={5} />
          <TimeChart title="Stream score (0–10)" unit="" data={charts.score} now={now} yRange={[0, 10]} />
          <TimeChart title="Worker CPU" unit=" %" data={charts.cpu} now={now} minMax={20} />
          <TimeChart title="Viewers per stage" unit="" data={charts.viewers} now={now} minMax={5} />
        </div>
        <div class="ops-side">
          <AlertList open={feed.open} recent={feed.recent} stages={stages} />
          <NodeList />
        </div>
      </div>
    </section>
  );
}
