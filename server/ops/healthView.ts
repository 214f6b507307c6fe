import type { HealthSample } from '../../media/health/types';
import { splitStageKey } from '../stageKey';
import type { HealthSampleView, StageHealthView } from './views';

/**
 * A sample as one event's ops, hosts and admins may see it: node and workers (shared infrastructure),
 * and only that event's stages; narrowed to one stage when `stageId` is given.
 */
export function viewForEvent(sample: HealthSample, eventId: string, stageId?: string): HealthSampleView {
  const stages: StageHealthView[] = [];
  for (const stage of sample.stages) {
    const ids = splitStageKey(stage.key);
    if (ids.eventId !== eventId || (stageId !== undefined && ids.stageId !== stageId)) continue;
    stages.push({ ...stage, ...ids });
  }
  return { ...sample, stages };
}
