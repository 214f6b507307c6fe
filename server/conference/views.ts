/**
 * What the conference shows its participants. Types only, with no runtime imports: the browser app
 * and the Socket.IO contract import them as they are.
 */
import type { QuestionRecord } from '../store/records';

export interface LowerThird {
  speakerName: string;
  speakerTitle: string;
  organisation: string;
  sessionTitle: string;
}

export interface ProgramChange {
  eventId: string;
  stageId: string;
  sourceId: string | null;
  lowerThird: LowerThird | null;
  changedAt: string;
}

/** A question as participants see it: the record plus its vote count. */
export interface QuestionView extends QuestionRecord {
  votes: number;
}
