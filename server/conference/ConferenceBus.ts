import { EventEmitter } from 'node:events';
import type { AgreementRecord, MeetingRecord } from '../store/deskRecords';
import type { HandRecord, QuestionRecord, QuestionStatus, RecordingRecord, SessionRecord } from '../store/records';
import type { MeetingReminder, ModeratedQuestionView, ProgramChange } from './views';

export type { LowerThird, ProgramChange, QuestionView } from './views';

/**
 * What happened in the conference domain. The domain emits; the edges (Socket.IO rooms, metrics) listen.
 * Emitted after the change is durable in the store.
 */
export interface ConferenceEvents {
  agendachanged: [{ eventId: string; stageId: string | null }];
  /** An event and everything of it was deleted: what still plays its stages on any node ends (the cluster relays it). */
  eventdeleted: [{ eventId: string }];
  sessionchanged: [SessionRecord];
  programchanged: [ProgramChange];
  questionchanged: [ModeratedQuestionView];
  questionremoved: [{ eventId: string; sessionId: string; questionId: string }];
  handchanged: [HandRecord];
  /** A token was revoked: its open connections close (on every node: the cluster relays it). */
  tokenrevoked: [{ eventId: string; tokenId: string }];
  /** A meeting of the desk starts in ten minutes: its two delegates are told (server/desk/MeetingReminders.ts). */
  meetingreminder: [MeetingReminder];
  /** A session went live (`stageWasLive`: another session of its stage was live and ended for it). */
  sessionstarted: [{ session: SessionRecord; stageWasLive: boolean }];
  /** A session ended; `replaced`: because the next one of its stage went live. */
  sessionended: [{ session: SessionRecord; replaced: boolean }];
  /** A moderator changed a question's status. */
  questionstatus: [{ question: QuestionRecord; previous: QuestionStatus }];
  /** A desk meeting was requested, answered or cancelled (server/desk/Meetings.ts). */
  meetingchanged: [MeetingRecord];
  agreementrecorded: [AgreementRecord];
  /** A session's recording is ready to download (server/recordings/SessionRecorder.ts). */
  recordingready: [RecordingRecord];
}

export class ConferenceBus extends EventEmitter<ConferenceEvents> {}
