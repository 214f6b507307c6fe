import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { HealthSample } from '../../media/health/types';
import type { HealthSampler } from '../../media/health/HealthSampler';
import type { WorkerDiedEvent, WorkerPool, WorkerReplacedEvent } from '../../media/WorkerPool';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { AlertRecord, AlertRule } from '../store/records';
import { type AlertThresholds, type Observation, observe } from './alertRules';
import type { UplinkWarning } from './views';

export interface AlertEngineEvents {
  raised: [AlertRecord];
  cleared: [AlertRecord];
  uplink: [UplinkWarning];
}

export interface AlertEngineOptions {
  store: Store;
  thresholds: AlertThresholds;
  /** Whether a session is live on a stage (`eventId/stageId`). */
  isLive: (stageKey: string) => boolean;
  /** A stage's scheduled interpretation languages (none when absent). */
  languagesOf?: (stageKey: string) => readonly string[];
  nodeId: string;
  logger: Logger;
}

/** The rules an uplink warning follows: a remote speaker's stream arriving damaged. */
const UPLINK_RULES: ReadonlySet<AlertRule> = new Set(['high_loss', 'low_score']);

interface Condition {
  /** When the condition was first seen bad in the current run of bad samples. */
  badSince: number | null;
  goodSince: number | null;
  open: AlertRecord | null;
  ownerId: string | null;
  /** Sampled rules clear when their subject leaves the samples; event-driven ones do not. */
  sampled: boolean;
}

/**
 * Turns health samples and worker events into alerts: a rule's condition must hold for its window
 * before an alert is raised, and stay fine for `clearAfterMs` before it clears. At most one alert is
 * open per (rule, subject) until it clears, so a lasting problem is one alert, not a storm. Raised and
 * cleared alerts are emitted at once, logged, and written to the store (a store failure is logged and
 * does not hold the push back). Remote speakers whose stream arrives damaged get an uplink warning.
 */
export class AlertEngine extends EventEmitter<AlertEngineEvents> {
  readonly #conditions = new Map<string, Condition>();
  /** `stage#source` → the uplink rules open for it, to tell its speaker once, not per rule. */
  readonly #uplink = new Map<string, Set<AlertRule>>();
  readonly #logger: Logger;
  #detach: (() => void) | null = null;
  #closed = false;

  constructor(private readonly options: AlertEngineOptions) {
    super();
    this.#logger = options.logger.child({ module: 'AlertEngine' });
  }

  /** Follows the samples and the pool's worker deaths until close(). */
  attach(health: HealthSampler, pool: WorkerPool): void {
    const onSample = (sample: HealthSample): void => this.observeSample(sample);
    const onDied = (event: WorkerDiedEvent): void => this.workerDied(event);
    const onReplaced = (event: WorkerReplacedEvent): void => this.workerReplaced(event);
    health.on('sample', onSample);
    pool.on('workerdied', onDied);
    pool.on('workerreplaced', onReplaced);
    this.#detach = () => {
      health.off('sample', onSample);
      pool.off('workerdied', onDied);
      pool.off('workerreplaced', onReplaced);
    };
  }

  /** Open alerts, oldest first; with an event id, that event's and the node-wide ones. */
  openAlerts(eventId?: string): AlertRecord[] {
    const open = [...this.#conditions.values()].flatMap((c) => (c.open ? [c.open] : []));
    return open
      .filter((a) => eventId === undefined || a.eventId === eventId || a.eventId === '')
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  }

  observeSample(sample: HealthSample): void {
    if (this.#closed) return;
    const now = sample.takenAtMs;
    const seen = new Set<string>();
    for (const observation of observe(sample, this.options.thresholds, this.options.isLive, this.options.languagesOf)) {
      const key = `${observation.rule}|${observation.subject}`;
      seen.add(key);
      this.#step(key, observation, now);
    }
    for (const [key, condition] of this.#conditions) {
      if (!condition.sampled || seen.has(key)) continue;
      if (condition.open) this.#clear(condition, 'gone', now);
      this.#conditions.delete(key);
    }
  }

  workerDied({ index, pid, error }: WorkerDiedEvent): void {
    if (this.#closed) return;
    const key = `worker_died|worker:${index}`;
    const condition = this.#conditions.get(key) ?? { badSince: null, goodSince: null, open: null, ownerId: null, sampled: false };
    this.#conditions.set(key, condition);
    if (condition.open) return;
    this.#raise(
      condition,
      {
        rule: 'worker_died',
        subject: `worker:${index}`,
        eventId: '',
        stageId: null,
        sourceId: null,
        ownerId: null,
        state: 'bad',
        value: pid,
        threshold: 0,
        severity: 'critical',
        forMs: 0,
        message: `mediasoup worker ${index} (pid ${pid}) died (${error.message}); the pool is replacing it and its stages' media closed`,
      },
      Date.now(),
    );
  }

  /**
   * A partner's webhook endpoint was disabled after failing too often: critical for the partner, who no
   * longer hears anything. It clears when an admin enables the endpoint again (or deletes it), on
   * whichever node: see `webhookAlertsOpen`.
   */
  webhookEndpointDisabled(endpoint: { id: string; eventId: string; url: string; consecutiveFailures: number }): void {
    if (this.#closed) return;
    const key = `webhook_disabled|webhook:${endpoint.id}`;
    const condition = this.#conditions.get(key) ?? { badSince: null, goodSince: null, open: null, ownerId: null, sampled: false };
    this.#conditions.set(key, condition);
    if (condition.open) return;
    this.#raise(
      condition,
      {
        rule: 'webhook_disabled',
        subject: `webhook:${endpoint.id}`,
        eventId: endpoint.eventId,
        stageId: null,
        sourceId: null,
        ownerId: null,
        state: 'bad',
        value: endpoint.consecutiveFailures,
        threshold: endpoint.consecutiveFailures,
        severity: 'critical',
        forMs: 0,
        message: `webhook endpoint ${endpoint.id} (${new URL(endpoint.url).host}) was disabled after ${endpoint.consecutiveFailures} failed deliveries in a row`,
      },
      Date.now(),
    );
  }

  /** The endpoints this node has a webhook_disabled alert open for, to look up whether they still are. */
  webhookAlertsOpen(): { eventId: string; endpointId: string }[] {
    return [...this.#conditions.values()].flatMap((c) =>
      c.open?.rule === 'webhook_disabled' ? [{ eventId: c.open.eventId, endpointId: c.open.subject.slice('webhook:'.length) }] : [],
    );
  }

  webhookEndpointEnabled(endpointId: string): void {
    const key = `webhook_disabled|webhook:${endpointId}`;
    const condition = this.#conditions.get(key);
    if (!condition) return;
    if (condition.open) this.#clear(condition, 'recovered', Date.now());
    this.#conditions.delete(key);
  }

  workerReplaced({ index }: WorkerReplacedEvent): void {
    const key = `worker_died|worker:${index}`;
    const condition = this.#conditions.get(key);
    if (!condition) return;
    if (condition.open) this.#clear(condition, 'recovered', Date.now());
    this.#conditions.delete(key);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach?.();
    this.#detach = null;
    this.#conditions.clear();
    this.#uplink.clear();
  }

  #step(key: string, observation: Observation, now: number): void {
    let condition = this.#conditions.get(key);
    if (!condition) {
      condition = { badSince: null, goodSince: null, open: null, ownerId: observation.ownerId, sampled: true };
      this.#conditions.set(key, condition);
    }
    if (observation.state === 'bad') {
      condition.goodSince = null;
      condition.badSince ??= now;
      if (!condition.open && now - condition.badSince >= observation.forMs) this.#raise(condition, observation, now);
    } else if (observation.state === 'good') {
      condition.badSince = null;
      condition.goodSince ??= now;
      if (condition.open && now - condition.goodSince >= this.options.thresholds.clearAfterMs) this.#clear(condition, 'recovered', now);
    } else {
      // Unknown interrupts both runs: a window needs consecutive measurements.
      condition.badSince = null;
      condition.goodSince = null;
    }
  }

  #raise(condition: Condition, o: Observation, now: number): void {
    const alert: AlertRecord = {
      id: randomUUID(),
      eventId: o.eventId,
      rule: o.rule,
      subject: o.subject,
      stageId: o.stageId,
      sourceId: o.sourceId,
      severity: o.severity,
      message: o.message,
      value: o.value,
      threshold: o.threshold,
      nodeId: this.options.nodeId,
      raisedAt: new Date(now).toISOString(),
      clearedAt: null,
      clearReason: null,
    };
    condition.open = alert;
    condition.ownerId = o.ownerId;
    this.#logger.warn(
      { alert: { id: alert.id, rule: alert.rule, subject: alert.subject, value: alert.value } },
      `alert raised: ${alert.message}`,
    );
    this.emit('raised', alert);
    this.#persist(alert);
    this.#updateUplink(condition, alert, 'add', now);
  }

  #clear(condition: Condition, reason: 'recovered' | 'gone', now: number): void {
    const open = condition.open;
    if (!open) return;
    const cleared: AlertRecord = { ...open, clearedAt: new Date(now).toISOString(), clearReason: reason };
    condition.open = null;
    condition.goodSince = null;
    this.#logger.info(
      { alert: { id: cleared.id, rule: cleared.rule, subject: cleared.subject }, reason },
      `alert cleared: ${cleared.message}`,
    );
    this.emit('cleared', cleared);
    this.#persist(cleared);
    this.#updateUplink(condition, cleared, 'remove', now);
  }

  #persist(alert: AlertRecord): void {
    this.options.store
      .collection('alerts')
      .put(alert)
      .catch((error: unknown) => {
        this.#logger.error({ err: error, alert: alert.id }, 'could not store an alert');
      });
  }

  /** Tells a remote speaker once when the first uplink condition opens and once when the last clears. */
  #updateUplink(condition: Condition, alert: AlertRecord, change: 'add' | 'remove', now: number): void {
    const participantId = condition.ownerId;
    if (!participantId || !UPLINK_RULES.has(alert.rule) || alert.stageId === null || alert.sourceId === null) return;
    const open = this.#uplink.get(alert.subject) ?? new Set<AlertRule>();
    const before = open.size;
    if (change === 'add') open.add(alert.rule);
    else open.delete(alert.rule);
    if (open.size === 0) this.#uplink.delete(alert.subject);
    else this.#uplink.set(alert.subject, open);
    if ((before === 0) === (open.size === 0)) return;
    const poor = open.size > 0;
    this.emit('uplink', {
      participantId,
      eventId: alert.eventId,
      stageId: alert.stageId,
      sourceId: alert.sourceId,
      level: poor ? 'poor' : 'ok',
      reasons: [...open],
      message: poor ? `your stream reaches the stage damaged: ${alert.message}` : 'your stream reaches the stage well again',
      at: new Date(now).toISOString(),
    });
  }
}
