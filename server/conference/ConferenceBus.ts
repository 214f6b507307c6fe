import { EventEmitter } from 'node:events';
import type { HandRecord, QuestionRecord, SessionRecord } from '../store/records';

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

/**
 * What happened in the conference domain. The domain emits; the edges (Socket.IO rooms, metrics) listen.
 * Emitted after the change is durable in the store.
 */
export interface ConferenceEvents {
  agendachanged: [{ eventId: string; stageId: string | null }];
  sessionchanged: [SessionRecord];
  programchanged: [ProgramChange];
  questionchanged: [QuestionView];
  questionremoved: [{ eventId: string; sessionId: string; questionId: string }];
  handchanged: [HandRecord];
}

export class ConferenceBus extends EventEmitter<ConferenceEvents> {}
