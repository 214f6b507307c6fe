import type { Logger } from '../logger';
import { splitStageKey } from '../stageKey';
import type { Store } from '../store';
import type { MetricLabels } from './OpsMetrics';

/** The label every private event's stages (and questions) are summed under. */
export const PRIVATE_LABEL = 'private';

/**
 * Metric labels for a `/metrics` anyone may scrape (no METRICS_TOKEN): a stage or event is named only
 * when it is known to be public; every other one is summed under `private`. Summed rather than dropped,
 * so the node's totals (viewers, bitrate, bytes) stay whole and capacity graphs stay right.
 *
 * Fails closed: an event not yet seen (just created) counts as private until the next refresh. The set
 * is refreshed from the store after each health sample, so an event made private stops being named
 * within one sample interval; counters keep the series it was counted under while it was public.
 */
export class PublicEventLabels implements MetricLabels {
  #publicIds = new Set<string>();
  #refreshing = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  stage(stageKey: string): string {
    return this.#publicIds.has(splitStageKey(stageKey).eventId) ? stageKey : PRIVATE_LABEL;
  }

  event(eventId: string): string {
    return this.#publicIds.has(eventId) ? eventId : PRIVATE_LABEL;
  }

  /** Re-reads which events are public; one read at a time, a failure keeps the previous set. */
  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      const events = await this.store.collection('events').list('');
      this.#publicIds = new Set(events.filter((event) => event.isPublic).map((event) => event.id));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read which events are public; metric labels keep the previous set');
    } finally {
      this.#refreshing = false;
    }
  }
}
