import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { HealthSample, HlsHealth, LanguageChannelHealth, StageHealth } from '../../media/health/types';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { QuestionView } from '../conference/views';
import type { AlertRecord } from '../store/records';
import { ALERT_RULES } from '../store/records';

/**
 * What the `stage` and `event` labels say. Open: the stage key and the event id. A scrape that needs no
 * token (no METRICS_TOKEN) gets a policy that names no private event (see PublicEventLabels).
 */
export interface MetricLabels {
  stage(stageKey: string): string;
  event(eventId: string): string;
}

const OPEN_LABELS: MetricLabels = { stage: (key) => key, event: (id) => id };

/** A stage's gauge figures; stages that share a label (private ones) are summed into one. */
interface StageFigures {
  viewers: number;
  hlsViewers: number;
  receiving: number;
  bitrateOut: number;
  routers: number;
  scores: number[];
  kinds: Map<string, KindFigures>;
}

interface KindFigures {
  count: number;
  silent: number;
  bitrate: number;
  /** The worst (highest) loss and the worst (lowest) score among the sources of this kind. */
  loss: number;
  score: number | null;
}

function mergeKind(into: KindFigures | undefined, kind: KindFigures): KindFigures {
  if (!into) return { ...kind };
  return {
    count: into.count + kind.count,
    silent: into.silent + kind.silent,
    bitrate: into.bitrate + kind.bitrate,
    loss: Math.max(into.loss, kind.loss),
    score: into.score === null ? kind.score : kind.score === null ? into.score : Math.min(into.score, kind.score),
  };
}

function figuresOf(stage: StageHealth): StageFigures {
  const kinds = new Map<string, KindFigures>();
  for (const source of stage.sources) {
    const one: KindFigures = {
      count: 1,
      silent: source.receiving ? 0 : 1,
      bitrate: source.bitrateBps,
      loss: source.lossPercent,
      score: source.score,
    };
    kinds.set(source.kind, mergeKind(kinds.get(source.kind), one));
  }
  return {
    viewers: stage.viewers,
    hlsViewers: stage.hlsViewers,
    receiving: stage.receivingViewers,
    bitrateOut: stage.bitrateOutBps,
    routers: stage.routers,
    scores: [...stage.consumerScores],
    kinds,
  };
}

function mergeFigures(into: StageFigures | undefined, stage: StageFigures): StageFigures {
  if (!into) return stage;
  const kinds = new Map(into.kinds);
  for (const [kind, figures] of stage.kinds) kinds.set(kind, mergeKind(kinds.get(kind), figures));
  const length = Math.max(into.scores.length, stage.scores.length);
  return {
    viewers: into.viewers + stage.viewers,
    hlsViewers: into.hlsViewers + stage.hlsViewers,
    receiving: into.receiving + stage.receiving,
    bitrateOut: into.bitrateOut + stage.bitrateOut,
    routers: into.routers + stage.routers,
    scores: Array.from({ length }, (_, score) => (into.scores[score] ?? 0) + (stage.scores[score] ?? 0)),
    kinds,
  };
}

/** Gauges, rewritten from every sample. */
function createGauges(registry: Registry) {
  const gauge = <K extends string>(name: string, help: string, labelNames: readonly K[]): Gauge<K> =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    viewers: gauge('stagecast_stage_viewers', 'Viewers following the program of a stage over WebRTC', ['stage']),
    hlsViewers: gauge('stagecast_stage_hls_viewers', 'Watch pages on this node playing a stage over HLS', ['stage']),
    receiving: gauge('stagecast_stage_viewers_receiving', 'Viewers of a stage with media flowing to them', ['stage']),
    bitrateOut: gauge(
      'stagecast_stage_bitrate_out_bps',
      'Estimated bitrate sent to the consumers of a stage (source bitrate x active consumers)',
      ['stage'],
    ),
    routers: gauge('stagecast_stage_routers', 'Routers a stage uses (origin + distribution)', ['stage']),
    consumersByScore: gauge('stagecast_stage_consumers_by_score', 'Consumers of a stage per mediasoup score (0-10)', ['stage', 'score']),
    sources: gauge('stagecast_sources', 'Sources of a stage, by kind', ['stage', 'kind']),
    sourcesSilent: gauge('stagecast_sources_silent', 'Sources of a stage whose media stopped arriving, by kind', ['stage', 'kind']),
    sourceBitrate: gauge('stagecast_source_bitrate_bps', 'Bitrate received from the sources of a stage, summed by kind', ['stage', 'kind']),
    sourceLoss: gauge('stagecast_source_loss_percent', 'Worst packet loss over the last sample among the sources of a kind', [
      'stage',
      'kind',
    ]),
    sourceScore: gauge('stagecast_source_score', 'Worst mediasoup score (0-10) among the receiving sources of a kind', ['stage', 'kind']),
    workerCpu: gauge('stagecast_worker_cpu_percent', 'CPU of a mediasoup worker over the last sample, percent of one core', ['worker']),
    workerRss: gauge('stagecast_worker_rss_bytes', 'Resident memory of a mediasoup worker', ['worker']),
    workerAlive: gauge('stagecast_worker_alive', '1 while the worker slot has a live worker', ['worker']),
    workerPortsInUse: gauge('stagecast_worker_ports_in_use', 'RTC ports held by the transports of a mediasoup worker, by protocol', [
      'worker',
      'protocol',
    ]),
    workerPorts: gauge('stagecast_worker_ports', "RTC ports of a mediasoup worker's slice of the range (as many UDP as TCP)", ['worker']),
    sockets: gauge('stagecast_connected_sockets', 'Signaling connections of this node', []),
    recordingsFree: gauge('stagecast_recordings_free_bytes', 'Free space where this node writes recordings', []),
    sampleDuration: gauge('stagecast_health_sample_duration_seconds', 'Wall time the last health sample took', []),
    alertsOpen: gauge('stagecast_alerts_open', 'Alerts open on this node, by rule', ['rule']),
    hlsSegmentAge: gauge('stagecast_hls_segment_age_seconds', "Since a stage's HLS stream listed its newest segment (worst of a label)", [
      'stage',
    ]),
    hlsEncoderUp: gauge('stagecast_hls_encoder_up', "1 while the encoder of a stage's HLS stream runs (0 when one of a label is down)", [
      'stage',
    ]),
    hlsRestarts: gauge('stagecast_hls_encoder_restarts', "Restarts of the encoder of a stage's HLS stream since it started", ['stage']),
    hlsBitrate: gauge('stagecast_hls_rendition_bitrate_bps', "Bitrate of a rendition of a stage's HLS stream over its newest segment", [
      'stage',
      'rendition',
    ]),
    encodersConnected: gauge('stagecast_encoders_connected', 'Hall encoders connected through the RTMP or SRT gateway', [
      'stage',
      'protocol',
    ]),
    encoderBitrate: gauge('stagecast_encoder_bitrate_bps', 'What the connected hall encoders send, as the gateway measures it', [
      'stage',
      'protocol',
    ]),
    encodersTranscoded: gauge(
      'stagecast_encoders_transcoded',
      'Connected hall encoders whose video is transcoded (not Baseline H264 already: a core’s share each)',
      ['stage'],
    ),
    languageLive: gauge(
      'stagecast_language_interpreter_live',
      "1 while a stage's language channel has a live interpreter (0 when one of a label has none)",
      ['stage', 'language'],
    ),
    languageLevel: gauge(
      'stagecast_language_audio_level_dbov',
      "The live interpreter's microphone level over the last second (−127 when silent; lowest of a label)",
      ['stage', 'language'],
    ),
    languageLoss: gauge('stagecast_language_loss_percent', "Packet loss of a language channel's live interpreter (worst of a label)", [
      'stage',
      'language',
    ]),
  };
}

/** A label's language channels: the worst figure of the stages sharing it (private stages share `private`). */
function observeLanguages(g: ReturnType<typeof createGauges>, stages: { label: string; languages: LanguageChannelHealth[] }[]): void {
  for (const gaugeOfLanguage of [g.languageLive, g.languageLevel, g.languageLoss]) gaugeOfLanguage.reset();
  const worst = new Map<string, { stage: string; language: string; live: number; level: number; loss: number }>();
  for (const { label, languages } of stages) {
    for (const channel of languages) {
      const key = `${label}\u0000${channel.language}`;
      const into = worst.get(key) ?? { stage: label, language: channel.language, live: 1, level: 0, loss: 0 };
      into.live = Math.min(into.live, channel.live ? 1 : 0);
      into.level = Math.min(into.level, channel.audioLevelDbov ?? -127);
      into.loss = Math.max(into.loss, channel.lossPercent);
      worst.set(key, into);
    }
  }
  for (const { stage, language, live, level, loss } of worst.values()) {
    g.languageLive.set({ stage, language }, live);
    g.languageLevel.set({ stage, language }, level);
    g.languageLoss.set({ stage, language }, loss);
  }
}

/** Hall encoders behind the RTMP and SRT gateways, summed per label and protocol. */
function observeEncoders(g: ReturnType<typeof createGauges>, stages: { label: string; stage: StageHealth }[]): void {
  for (const gaugeOfEncoders of [g.encodersConnected, g.encoderBitrate, g.encodersTranscoded]) gaugeOfEncoders.reset();
  for (const { label, stage } of stages) {
    for (const { encoder } of stage.sources) {
      if (!encoder?.connected) continue;
      g.encodersConnected.inc({ stage: label, protocol: encoder.protocol });
      g.encoderBitrate.inc({ stage: label, protocol: encoder.protocol }, encoder.bitrateBps);
      g.encodersTranscoded.inc({ stage: label }, encoder.transcoding ? 1 : 0);
    }
  }
}

/** A label's HLS figures: several private stages may share the label `private`. */
function observeHls(g: ReturnType<typeof createGauges>, stages: { label: string; hls: HlsHealth }[]): void {
  for (const gaugeOfHls of [g.hlsSegmentAge, g.hlsEncoderUp, g.hlsRestarts, g.hlsBitrate]) gaugeOfHls.reset();
  const byLabel = new Map<string, { age: number; up: number; restarts: number; bitrates: Map<string, number> }>();
  for (const { label, hls } of stages) {
    const into = byLabel.get(label) ?? { age: 0, up: 1, restarts: 0, bitrates: new Map<string, number>() };
    into.age = Math.max(into.age, hls.newestSegmentAgeMs / 1000);
    into.up = Math.min(into.up, hls.encoderAlive ? 1 : 0);
    into.restarts += hls.restarts;
    for (const r of hls.renditions) into.bitrates.set(r.name, (into.bitrates.get(r.name) ?? 0) + r.bitrateBps);
    byLabel.set(label, into);
  }
  for (const [stage, figures] of byLabel) {
    g.hlsSegmentAge.set({ stage }, figures.age);
    g.hlsEncoderUp.set({ stage }, figures.up);
    g.hlsRestarts.set({ stage }, figures.restarts);
    for (const [rendition, bps] of figures.bitrates) g.hlsBitrate.set({ stage, rendition }, bps);
  }
}

/** Counters: they only grow. */
function createCounters(registry: Registry) {
  const counter = <K extends string>(name: string, help: string, labelNames: readonly K[]): Counter<K> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    forwardedBytes: counter(
      'stagecast_forwarded_bytes_total',
      'Media bytes received from sources (in) and estimated bytes sent to consumers (out)',
      ['stage', 'direction'],
    ),
    joins: counter('stagecast_joins_total', 'Participants who joined a stage on this node', ['stage']),
    switches: counter('stagecast_program_switches_total', 'Program changes of a stage', ['stage']),
    questions: counter('stagecast_questions_total', 'Questions asked, per event', ['event']),
    alerts: counter('stagecast_alerts_total', 'Alerts raised, by rule', ['rule']),
  };
}

/**
 * The Prometheus metrics of one node, in a registry of its own (not prom-client's global one, so
 * several nodes can run in one process). Label values are bounded: a stage, a source kind, a worker
 * slot, a score bucket, an alert rule, an event; never a viewer, a participant or a source id.
 *
 * Gauges are rewritten from each health sample (so closed stages disappear); counters grow from the
 * samples' cumulative figures and from the conference bus.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly #g: ReturnType<typeof createGauges>;
  readonly #c: ReturnType<typeof createCounters>;
  /** stage key → the cumulative joins and switches last counted (a reopened stage starts again at 0). */
  readonly #cumulative = new Map<string, { joins: number; switches: number }>();
  readonly #onQuestion = (question: QuestionView): void => this.#countQuestion(question);

  constructor(
    private readonly bus: ConferenceBus,
    private readonly labels: MetricLabels = OPEN_LABELS,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.#g = createGauges(this.registry);
    this.#c = createCounters(this.registry);
    for (const rule of ALERT_RULES) this.#g.alertsOpen.set({ rule }, 0);
    bus.on('questionchanged', this.#onQuestion);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Rewrites the gauges from a sample and adds its increments to the counters. */
  observeSample(sample: HealthSample): void {
    const g = this.#g;
    for (const gaugeOfStage of [
      g.viewers,
      g.hlsViewers,
      g.receiving,
      g.bitrateOut,
      g.routers,
      g.consumersByScore,
      g.sources,
      g.sourcesSilent,
      g.sourceBitrate,
      g.sourceLoss,
      g.sourceScore,
    ])
      gaugeOfStage.reset();
    const byLabel = new Map<string, StageFigures>();
    for (const stage of sample.stages) {
      const label = this.labels.stage(stage.key);
      this.#countStage(stage, label);
      byLabel.set(label, mergeFigures(byLabel.get(label), figuresOf(stage)));
    }
    for (const [label, figures] of byLabel) this.#setStageGauges(label, figures);
    observeHls(
      g,
      sample.stages.flatMap((stage) => (stage.hls ? [{ label: this.labels.stage(stage.key), hls: stage.hls }] : [])),
    );
    observeLanguages(
      g,
      sample.stages.map((stage) => ({ label: this.labels.stage(stage.key), languages: stage.languages })),
    );
    observeEncoders(
      g,
      sample.stages.map((stage) => ({ label: this.labels.stage(stage.key), stage })),
    );
    for (const gaugeOfWorker of [g.workerCpu, g.workerRss, g.workerAlive, g.workerPortsInUse, g.workerPorts]) gaugeOfWorker.reset();
    for (const worker of sample.workers) {
      const labels = { worker: String(worker.index) };
      g.workerAlive.set(labels, worker.alive ? 1 : 0);
      g.workerPortsInUse.set({ ...labels, protocol: 'udp' }, worker.portsInUse.udp);
      g.workerPortsInUse.set({ ...labels, protocol: 'tcp' }, worker.portsInUse.tcp);
      g.workerPorts.set(labels, worker.portsTotal);
      if (worker.cpuPercent !== null) g.workerCpu.set(labels, worker.cpuPercent);
      if (worker.rssBytes !== null) g.workerRss.set(labels, worker.rssBytes);
    }
    g.sockets.set(sample.node.connectedSockets);
    if (sample.node.recordingsDisk) g.recordingsFree.set(sample.node.recordingsDisk.freeBytes);
    g.sampleDuration.set(sample.durationMs / 1000);
  }

  alertRaised(alert: AlertRecord): void {
    this.#c.alerts.inc({ rule: alert.rule });
    this.#g.alertsOpen.inc({ rule: alert.rule });
  }

  alertCleared(alert: AlertRecord): void {
    this.#g.alertsOpen.dec({ rule: alert.rule });
  }

  close(): void {
    this.bus.off('questionchanged', this.#onQuestion);
    this.registry.clear();
  }

  #setStageGauges(stage: string, figures: StageFigures): void {
    const g = this.#g;
    g.viewers.set({ stage }, figures.viewers);
    g.hlsViewers.set({ stage }, figures.hlsViewers);
    g.receiving.set({ stage }, figures.receiving);
    g.bitrateOut.set({ stage }, figures.bitrateOut);
    g.routers.set({ stage }, figures.routers);
    figures.scores.forEach((count, score) => g.consumersByScore.set({ stage, score: String(score) }, count));
    for (const [kind, k] of figures.kinds) {
      const l = { stage, kind };
      g.sources.set(l, k.count);
      g.sourcesSilent.set(l, k.silent);
      g.sourceBitrate.set(l, k.bitrate);
      g.sourceLoss.set(l, k.loss);
      if (k.score !== null) g.sourceScore.set(l, k.score);
    }
  }

  /** Adds what is new in a stage's cumulative figures to the counters of its label. */
  #countStage(stage: StageHealth, label: string): void {
    const c = this.#c;
    let bytesIn = 0;
    for (const source of stage.sources) for (const producer of source.producers) bytesIn += producer.bytesDelta;
    c.forwardedBytes.inc({ stage: label, direction: 'in' }, bytesIn);
    c.forwardedBytes.inc({ stage: label, direction: 'out' }, stage.bytesOutDelta);
    const last = this.#cumulative.get(stage.key) ?? { joins: 0, switches: 0 };
    // The figures restart at 0 when a stage's media reopens; count what is new either way.
    c.joins.inc({ stage: label }, stage.joins >= last.joins ? stage.joins - last.joins : stage.joins);
    c.switches.inc(
      { stage: label },
      stage.programSwitches >= last.switches ? stage.programSwitches - last.switches : stage.programSwitches,
    );
    this.#cumulative.set(stage.key, { joins: stage.joins, switches: stage.programSwitches });
  }

  #countQuestion(question: QuestionView): void {
    // The bus reports every change of a question; only a submission yields a pending one without votes
    // (an author's own vote, moderation and pinning all change one or the other).
    if (question.status === 'pending' && question.votes === 0) this.#c.questions.inc({ event: this.labels.event(question.eventId) });
  }
}
