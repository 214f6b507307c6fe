import type { Conference } from '../conference/Conference';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Desk } from '../desk/Desk';
import type { mediaPorts } from './mediaPorts';

/** What the conference step makes, which later steps (recorder, API, signaling) take. */
export interface ConferenceParts {
  conference: Conference;
  /** Conference events of every node (this node's alone when it is not in a cluster): for server-side listeners. */
  everywhere: ConferenceBus;
  ports: ReturnType<typeof mediaPorts>;
  /** The tech-transfer desk (its meeting reminders armed by `desk.start()`). */
  desk: Desk;
}
