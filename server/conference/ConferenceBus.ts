import { EventEmitter } from 'node:events';
import type { HandRecord, SessionRecord } from '../store/records';
import type { MeetingReminder, ModeratedQuestionView, ProgramChange } from './views';

export type { LowerThird, ProgramChange, QuestionView } from './views';

/**
 * What happened in the conference domain. The domain emits; the edges (Socket.IO rooms, metrics) listen.
 * Emitted after the change is durable in the store.
 */
export interface ConferenceEvents {
  agendachanged: [{ eventId: string; stageId: string | null }];
  sessionchanged: [SessionRecord];
  programchanged: [ProgramChange];
  questionchanged: [ModeratedQuestionView];
  questionremoved: [{ eventId: string; sessionId: string; questionId: string }];
  handchanged: [HandRecord];
  /** A token was revoked: its open connections close (on every node: the cluster relays it). */
  tokenrevoked: [{ eventId: string; tokenId: string }];
  /** A meeting of the desk starts in ten minutes: its two delegates are told (server/desk/MeetingReminders.ts). */
  meetingreminder: [MeetingReminder];
}

export class ConferenceBus extends EventEmitter<ConferenceEvents> {}
