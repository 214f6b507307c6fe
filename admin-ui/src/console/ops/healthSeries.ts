import type { AlertRecord, HealthSampleView, SourceHealth, StageHealthView } from '../../../../signaling/contract';
import { consoleOps } from '../../i18n/messages/consoleOps';
import { sourceLabel as shownLabel } from '../stage/sourceLabels';
import { alertTitle } from './alertText';

/** One line of a chart: a stable key (so colours stay put), a label, and one value per x (null: no data then). */
export interface Series {
  key: string;
  label: string;
  values: (number | null)[];
}

export interface ChartData {
  /** Seconds since the epoch, one per sample. */
  xs: number[];
  series: Series[];
}

export const WINDOW_MS = 10 * 60_000;

/** Samples of the last ten minutes, oldest first, one per node and time. */
export function keepWindow(samples: HealthSampleView[], now: number): HealthSampleView[] {
  const seen = new Set<string>();
  return samples
    .filter((s) => s.takenAtMs >= now - WINDOW_MS)
    .sort((a, b) => a.takenAtMs - b.takenAtMs)
    .filter((s) => {
      const key = `${s.nodeId}@${s.seq}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Builds the chart's columns: one series per key `pick` reports in any sample, null where a sample lacks it. */
function collect(
  samples: HealthSampleView[],
  pick: (sample: HealthSampleView) => { key: string; label: string; value: number | null }[],
): ChartData {
  const xs = samples.map((s) => s.takenAtMs / 1000);
  const byKey = new Map<string, Series>();
  samples.forEach((sample, index) => {
    for (const { key, label, value } of pick(sample)) {
      let series = byKey.get(key);
      if (!series) {
        series = { key, label, values: new Array<number | null>(samples.length).fill(null) };
        byKey.set(key, series);
      }
      series.label = label;
      series.values[index] = value;
    }
  });
  return { xs, series: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}

function sourceLabel(stage: StageHealthView, source: SourceHealth, stageNames: ReadonlyMap<string, string>): string {
  return `${stageNames.get(stage.stageId) ?? stage.stageId} · ${source.label ? shownLabel(source.label) : source.id}`;
}

function perSource(
  samples: HealthSampleView[],
  stageNames: ReadonlyMap<string, string>,
  value: (source: SourceHealth) => number | null,
): ChartData {
  return collect(samples, (sample) =>
    sample.stages.flatMap((stage) =>
      stage.sources.map((source) => ({
        key: `${stage.stageId}#${source.id}`,
        label: sourceLabel(stage, source, stageNames),
        value: value(source),
      })),
    ),
  );
}

export function bitrateChart(samples: HealthSampleView[], stageNames: ReadonlyMap<string, string>): ChartData {
  return perSource(samples, stageNames, (s) => Math.round(s.bitrateBps / 10_000) / 100);
}

export function lossChart(samples: HealthSampleView[], stageNames: ReadonlyMap<string, string>): ChartData {
  // Loss means nothing while a source is silent: a gap, not a misleading zero.
  return perSource(samples, stageNames, (s) => (s.receiving ? s.lossPercent : null));
}

export function scoreChart(samples: HealthSampleView[], stageNames: ReadonlyMap<string, string>): ChartData {
  return perSource(samples, stageNames, (s) => s.score);
}

export function workerCpuChart(samples: HealthSampleView[]): ChartData {
  const nodes = new Set(samples.map((s) => s.nodeId));
  return collect(samples, (sample) =>
    sample.workers.map((worker) => ({
      key: `${sample.nodeId}:${String(worker.index).padStart(3, '0')}`,
      label:
        nodes.size > 1
          ? consoleOps.t('series.nodeWorker', { node: sample.nodeId, index: worker.index })
          : consoleOps.t('series.worker', { index: worker.index }),
      value: worker.alive ? worker.cpuPercent : null,
    })),
  );
}

export function viewersChart(samples: HealthSampleView[], stageNames: ReadonlyMap<string, string>): ChartData {
  return collect(samples, (sample) =>
    sample.stages.map((stage) => ({ key: stage.stageId, label: stageNames.get(stage.stageId) ?? stage.stageId, value: stage.viewers })),
  );
}

export type StageLevel = 'down' | 'critical' | 'degraded' | 'ok' | 'idle';

export interface StageStatus {
  stageId: string;
  level: StageLevel;
  /** What the level is about, in a few words, in the page's language. */
  reason: string;
  health: StageHealthView | null;
  alerts: AlertRecord[];
}

/**
 * Each stage's state for the status cards: down (the server's source_down alert is open: it decides
 * when silence is an outage, ALERT_SOURCE_SILENT_MS), critical (another critical alert), degraded
 * (warnings, or an on-site feed that went silent in the latest sample and is not down yet), ok, or
 * idle (no media open on it).
 */
export function stageStatus(stageId: string, latest: HealthSampleView | null, open: AlertRecord[]): StageStatus {
  const t = consoleOps.t;
  const health = latest?.stages.find((s) => s.stageId === stageId) ?? null;
  const alerts = open.filter((a) => a.stageId === stageId);
  const labelOf = (alert: AlertRecord): string => alertSourceLabel(latest, alert) ?? alert.sourceId ?? t('reason.someSource');
  const down = alerts.find((a) => a.rule === 'source_down');
  if (down) return { stageId, level: 'down', reason: t('reason.down', { source: labelOf(down) }), health, alerts };
  const critical = alerts.find((a) => a.severity === 'critical');
  if (critical) return { stageId, level: 'critical', reason: alertTitle(critical, labelOf), health, alerts };
  const silent = health?.sources.find((s) => s.kind === 'onsite' && !s.receiving);
  if (silent)
    return {
      stageId,
      level: 'degraded',
      reason: t('reason.silent', {
        source: silent.label ? shownLabel(silent.label) : silent.id,
        seconds: Math.round(silent.silentForMs / 1000),
      }),
      health,
      alerts,
    };
  const warning = alerts.find((a) => a.severity === 'warning');
  if (warning) return { stageId, level: 'degraded', reason: alertTitle(warning, labelOf), health, alerts };
  if (!health || health.sources.length === 0) return { stageId, level: 'idle', reason: t('reason.noSource'), health, alerts };
  return { stageId, level: 'ok', reason: t('reason.ok'), health, alerts };
}

/** The label of the source an alert is about, as the latest sample names it (translated if the default); undefined if unknown. */
export function alertSourceLabel(latest: HealthSampleView | null, alert: AlertRecord): string | undefined {
  if (!alert.sourceId) return undefined;
  const source = latest?.stages.find((s) => s.stageId === alert.stageId)?.sources.find((s) => s.id === alert.sourceId);
  return source?.label ? shownLabel(source.label) : undefined;
}
