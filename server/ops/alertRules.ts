import type { HealthSample, SourceHealth, StageHealth } from '../../media/health/types';
import type { AlertRecord, AlertRule } from '../store/records';
import { splitStageKey } from '../stageKey';

/** Rule thresholds, from config (ALERT_* settings). */
export interface AlertThresholds {
  /** An on-site feed silent this long is down. */
  sourceSilentMs: number;
  lossPercent: number;
  lossForMs: number;
  /** A receiving source scoring below this is low. */
  scoreBelow: number;
  scoreForMs: number;
  workerCpuPercent: number;
  workerCpuForMs: number;
  noViewersForMs: number;
  /** A scheduled language without a live interpreter this long, while its stage is live, raises interpreter_missing. */
  interpreterMissingForMs: number;
  /** A condition must stay fine this long before its alert clears. */
  clearAfterMs: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  sourceSilentMs: 3000,
  lossPercent: 5,
  lossForMs: 10_000,
  scoreBelow: 5,
  scoreForMs: 10_000,
  workerCpuPercent: 85,
  workerCpuForMs: 10_000,
  noViewersForMs: 15_000,
  interpreterMissingForMs: 10_000,
  clearAfterMs: 4000,
};

/**
 * What one rule sees of one subject in one sample. 'unknown' means the sample cannot tell (a silent
 * source has no loss to measure): it neither raises nor clears.
 */
export interface Observation {
  rule: AlertRule;
  subject: string;
  eventId: string;
  stageId: string | null;
  sourceId: string | null;
  /** The participant publishing the source (remote speakers), told when their uplink is poor. */
  ownerId: string | null;
  state: 'bad' | 'good' | 'unknown';
  value: number | null;
  threshold: number;
  severity: AlertRecord['severity'];
  /** How long 'bad' must last before the alert is raised; 0 raises at once. */
  forMs: number;
  message: string;
}

type Base = Pick<Observation, 'subject' | 'eventId' | 'stageId' | 'sourceId' | 'ownerId'>;

/** What a node-wide observation (workers, disk) is about: no event, stage, source or owner. */
const NODE_WIDE: Omit<Base, 'subject'> = { eventId: '', stageId: null, sourceId: null, ownerId: null };

function sourceBase(stage: StageHealth, source: SourceHealth): Base {
  const ids = splitStageKey(stage.key);
  return { subject: `${stage.key}#${source.id}`, eventId: ids.eventId, stageId: ids.stageId, sourceId: source.id, ownerId: source.ownerId };
}

function sourceObservations(stage: StageHealth, source: SourceHealth, t: AlertThresholds): Observation[] {
  const base = sourceBase(stage, source);
  const name = `${source.label} (${source.id}) on ${stage.key}`;
  const out: Observation[] = [];
  if (source.kind === 'onsite') {
    // Silence is its own debounce window; recovery needs media actually flowing again, so a feed that
    // was just re-opened and has not started yet keeps its alert open ('unknown').
    const silent = source.silentForMs >= t.sourceSilentMs;
    out.push({
      ...base,
      rule: 'source_down',
      severity: 'critical',
      forMs: 0,
      threshold: t.sourceSilentMs,
      value: source.silentForMs,
      state: silent ? 'bad' : source.receiving ? 'good' : 'unknown',
      message: `${name}: no media for ${(source.silentForMs / 1000).toFixed(1)} s${source.feed?.some((f) => f.packetsArriving) ? ' (packets reach its ports but are refused: wrong SSRC or payload type?)' : ''}`,
    });
  }
  // Loss and score only mean something while media flows; a silent source is source_down's business.
  const flowing = source.receiving;
  out.push({
    ...base,
    rule: 'high_loss',
    severity: 'warning',
    forMs: t.lossForMs,
    threshold: t.lossPercent,
    value: source.lossPercent,
    state: !flowing ? 'unknown' : source.lossPercent > t.lossPercent ? 'bad' : 'good',
    message: `${name}: ${source.lossPercent} % packet loss (threshold ${t.lossPercent} %)`,
  });
  out.push({
    ...base,
    rule: 'low_score',
    severity: 'warning',
    forMs: t.scoreForMs,
    threshold: t.scoreBelow,
    value: source.score,
    state: !flowing || source.score === null ? 'unknown' : source.score < t.scoreBelow ? 'bad' : 'good',
    message: `${name}: stream score ${source.score ?? '–'}/10 (below ${t.scoreBelow})`,
  });
  return out;
}

function stageObservation(stage: StageHealth, live: boolean, t: AlertThresholds): Observation {
  const ids = splitStageKey(stage.key);
  const who = stage.viewers === 0 ? 'no viewer is connected' : `${stage.viewers} viewers connected, none receives media`;
  return {
    rule: 'no_viewers_receiving',
    subject: stage.key,
    ...ids,
    sourceId: null,
    ownerId: null,
    severity: 'critical',
    forMs: t.noViewersForMs,
    threshold: 0,
    value: stage.receivingViewers,
    // Only while a session is live: an empty stage between sessions is not an incident.
    state: !live ? 'good' : stage.receivingViewers === 0 ? 'bad' : 'good',
    message: `stage ${stage.key} is live but ${who}`,
  };
}

/**
 * Each scheduled language of a live stage needs a live interpreter: listeners who chose it hear only
 * the floor, turned down, otherwise. Interpreters on this node only: in a cluster they are on the origin.
 */
function languageObservations(stage: StageHealth, scheduled: readonly string[], live: boolean, t: AlertThresholds): Observation[] {
  const ids = splitStageKey(stage.key);
  return scheduled.map((language) => {
    const channel = stage.languages.find((l) => l.language.toLowerCase() === language.toLowerCase());
    return {
      rule: 'interpreter_missing' as const,
      subject: `${stage.key}#lang:${language}`,
      ...ids,
      sourceId: null,
      ownerId: null,
      severity: 'critical' as const,
      forMs: t.interpreterMissingForMs,
      threshold: 1,
      value: channel?.live ? 1 : 0,
      state: !live ? ('good' as const) : channel?.live ? ('good' as const) : ('bad' as const),
      message: `stage ${stage.key} is live but its ${language} channel has no live interpreter${channel ? ' (the booth is empty)' : ''}`,
    };
  });
}

/** A stream's first segment may take this long on top (encoder start, probing, the first key frame). */
const HLS_STARTUP_ALLOWANCE_MS = 10_000;

/** No segment for 3 segment lengths while the stage has a source: players are about to stall (or have). */
function hlsObservation(stage: StageHealth): Observation | null {
  const hls = stage.hls;
  if (!hls) return null;
  const ids = splitStageKey(stage.key);
  const stalledAfterMs = 3 * hls.segmentMs + (hls.segments === 0 ? HLS_STARTUP_ALLOWANCE_MS : 0);
  const stalled = hls.newestSegmentAgeMs > stalledAfterMs;
  return {
    rule: 'hls_stalled',
    subject: `${stage.key}#hls`,
    ...ids,
    sourceId: null,
    ownerId: null,
    severity: 'critical',
    forMs: 0,
    threshold: stalledAfterMs,
    value: hls.newestSegmentAgeMs,
    state: !hls.expectingSegments ? 'unknown' : stalled ? 'bad' : 'good',
    message: `HLS of stage ${stage.key}: no segment for ${(hls.newestSegmentAgeMs / 1000).toFixed(1)} s${hls.encoderAlive ? '' : ' (the encoder is down; restarting)'}`,
  };
}

/**
 * Evaluates every sampled rule on one sample. Pure: the AlertEngine turns the observations into
 * alerts (windows, one open alert per rule and subject, clearing).
 */
export function observe(
  sample: HealthSample,
  thresholds: AlertThresholds,
  isLive: (stageKey: string) => boolean,
  languagesOf: (stageKey: string) => readonly string[] = () => [],
): Observation[] {
  const out: Observation[] = [];
  for (const stage of sample.stages) {
    for (const source of stage.sources) out.push(...sourceObservations(stage, source, thresholds));
    out.push(stageObservation(stage, isLive(stage.key), thresholds));
    out.push(...languageObservations(stage, languagesOf(stage.key), isLive(stage.key), thresholds));
    const hls = hlsObservation(stage);
    if (hls) out.push(hls);
  }
  const disk = sample.node.recordingsDisk;
  if (disk) {
    out.push({
      rule: 'disk_low',
      subject: 'disk:recordings',
      ...NODE_WIDE,
      severity: 'critical',
      forMs: 0,
      threshold: disk.minFreeBytes,
      value: disk.freeBytes,
      state: disk.freeBytes < disk.minFreeBytes ? 'bad' : 'good',
      message: `the recordings directory has ${Math.round(disk.freeBytes / 1e6)} MB free (below ${Math.round(disk.minFreeBytes / 1e6)} MB): sessions that go live are not recorded`,
    });
  }
  for (const worker of sample.workers) {
    out.push({
      rule: 'worker_cpu',
      subject: `worker:${worker.index}`,
      ...NODE_WIDE,
      severity: 'warning',
      forMs: thresholds.workerCpuForMs,
      threshold: thresholds.workerCpuPercent,
      value: worker.cpuPercent,
      state: !worker.alive || worker.cpuPercent === null ? 'unknown' : worker.cpuPercent > thresholds.workerCpuPercent ? 'bad' : 'good',
      message: `mediasoup worker ${worker.index} (pid ${worker.pid ?? '–'}) at ${worker.cpuPercent ?? '–'} % CPU (threshold ${thresholds.workerCpuPercent} %)`,
    });
    // Raised at once: joins are being refused now. It clears once a port frees or a transport binds
    // again and stays so for the clear window (an attacker cycling at the limit keeps it open).
    out.push({
      rule: 'ports_exhausted',
      subject: `worker:${worker.index}`,
      ...NODE_WIDE,
      severity: 'critical',
      forMs: 0,
      threshold: worker.portsTotal,
      value: Math.max(worker.portsInUse.udp, worker.portsInUse.tcp),
      state: !worker.alive ? 'unknown' : worker.portsExhausted ? 'bad' : 'good',
      message: `mediasoup worker ${worker.index} has no free RTC port (its transports hold ${worker.portsInUse.udp} UDP and ${worker.portsInUse.tcp} TCP of ${worker.portsTotal}): new transports are refused with unavailable`,
    });
  }
  return out;
}
