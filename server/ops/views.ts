/**
 * What ops consoles receive. Types only, with no runtime imports: the contract (signaling/contract.ts)
 * re-exports them for the browser app.
 */
import type { HealthSample, StageHealth } from '../../media/health/types';
import type { AlertRule } from '../store/records';

export type { HlsHealth, SourceHealth } from '../../media/health/types';

/** A stage's health with its event and stage ids spelled out. */
export interface StageHealthView extends StageHealth {
  eventId: string;
  stageId: string;
}

/** A sample as one event's ops see it: the node and its workers, and that event's stages only. */
export interface HealthSampleView extends Omit<HealthSample, 'stages'> {
  stages: StageHealthView[];
}

/** Told to a remote speaker whose uplink degrades (level 'poor') and when it is fine again ('ok'). */
export interface UplinkWarning {
  participantId: string;
  eventId: string;
  stageId: string;
  sourceId: string;
  level: 'poor' | 'ok';
  /** The open conditions: high loss, low score, or both. */
  reasons: AlertRule[];
  message: string;
  at: string;
}
