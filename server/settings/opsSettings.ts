import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** Demo data, health sampling, metrics and alert rules. */
export const OPS_SETTINGS = {
  seedDemo: { env: 'SEED_DEMO', kind: 'bool', allowed: 'true | false', doc: 'seed the demo event when the store is empty' },
  healthSampleIntervalMs: {
    env: 'HEALTH_SAMPLE_INTERVAL_MS',
    kind: 'int',
    allowed: 'an integer 100–60000',
    doc: 'time between two stream-health samples',
  },
  healthHistoryMs: {
    env: 'HEALTH_HISTORY_MS',
    kind: 'int',
    allowed: 'an integer 10000–86400000',
    doc: 'how much sample history is kept in memory for charts',
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    kind: 'string',
    allowed: 'at least 16 characters; required in production',
    doc: 'when set, GET /metrics requires Authorization: Bearer <token>; unset (outside production), private events are not named in its labels',
    secret: true,
  },
  alertSourceSilentMs: {
    env: 'ALERT_SOURCE_SILENT_MS',
    kind: 'int',
    allowed: 'an integer 500–600000',
    doc: 'an on-site feed silent this long raises source_down',
  },
  alertLossPercent: {
    env: 'ALERT_LOSS_PERCENT',
    kind: 'int',
    allowed: 'an integer 1–100',
    doc: 'packet loss of a source above this percent counts as high',
  },
  alertLossForMs: {
    env: 'ALERT_LOSS_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'high loss lasting this long raises high_loss',
  },
  alertScoreBelow: {
    env: 'ALERT_SCORE_BELOW',
    kind: 'int',
    allowed: 'an integer 1–10',
    doc: 'a receiving source scoring below this (mediasoup 0–10) counts as low',
  },
  alertScoreForMs: {
    env: 'ALERT_SCORE_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a low score lasting this long raises low_score',
  },
  alertWorkerCpuPercent: {
    env: 'ALERT_WORKER_CPU_PERCENT',
    kind: 'int',
    allowed: 'an integer 1–100',
    doc: 'worker CPU above this percent of a core counts as high',
  },
  alertWorkerCpuForMs: {
    env: 'ALERT_WORKER_CPU_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'high worker CPU lasting this long raises worker_cpu',
  },
  alertNoViewersForMs: {
    env: 'ALERT_NO_VIEWERS_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a stage with a live session and no viewer receiving for this long raises no_viewers_receiving',
  },
  alertInterpreterMissingForMs: {
    env: 'ALERT_INTERPRETER_MISSING_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a live stage whose scheduled language has no live interpreter for this long raises interpreter_missing',
  },
  alertClearAfterMs: {
    env: 'ALERT_CLEAR_AFTER_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a condition must stay fine this long before its alert clears (no flapping)',
  },
} satisfies Partial<Record<keyof Config, Setting>>;
