import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { OutboxEntry } from '../store/Outbox';
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
  /** An event and everything of it was deleted: what still plays its stages ends on every node (the cluster relays it). */
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

/** The changes partner webhooks report: each is made durable with the write that causes it (`commit`). */
export type DurableEvent =
  | 'sessionstarted'
  | 'sessionended'
  | 'programchanged'
  | 'questionstatus'
  | 'handchanged'
  | 'meetingchanged'
  | 'agreementrecorded'
  | 'recordingready';

export type ConferenceChange = { [K in DurableEvent]: { event: K; payload: ConferenceEvents[K][0] } }[DurableEvent];

/** An outbox entry holding changes that no webhook message has been made of yet. */
export interface CommittedChanges {
  entryId: string;
  dueAtMs: number;
  changes: ConferenceChange[];
}

/**
 * How long a committed change waits in the outbox before a node's dispatcher takes it up: the node that
 * wrote it turns it into webhook messages at once (`committed`); others do only when that did not happen
 * (the node died in between, or the store failed it).
 */
export const UNCLAIMED_CHANGE_MS = 5_000;

const CHANGE_ENTRY = 'conference-changes';
/** Outbox ids of committed changes start so (deliveries' are UUIDs): the dispatcher tells them apart without parsing. */
const CHANGE_ENTRY_ID_PREFIX = 'chg_';

/** Writes a record together with the outbox entry that reports it (ConferenceBus.commit, bound to one kind of change). */
export type CommitRecord<T> = <R>(write: (outbox: OutboxEntry[]) => Promise<R>, record: T) => Promise<R>;

/** For a service used without partner webhooks (tests): the write alone. */
export const writeAlone = <R>(write: (outbox: OutboxEntry[]) => Promise<R>): Promise<R> => write([]);

/** The changes an outbox entry holds; null for an entry of another kind. */
export function committedChanges(entry: OutboxEntry): CommittedChanges | null {
  if (!entry.id.startsWith(CHANGE_ENTRY_ID_PREFIX)) return null;
  try {
    const value = JSON.parse(entry.data) as { kind?: unknown; changes?: unknown };
    if (value.kind !== CHANGE_ENTRY || !Array.isArray(value.changes)) return null;
    return { entryId: entry.id, dueAtMs: entry.dueAtMs, changes: value.changes as ConferenceChange[] };
  } catch {
    return null;
  }
}

export class ConferenceBus extends EventEmitter<ConferenceEvents> {
  /** Changes just committed on this node, for the webhook publisher to turn into messages at once. */
  readonly committed = new EventEmitter<{ changes: [CommittedChanges] }>();

  /**
   * Makes `changes` durable in the same atomic step as the write that causes them: `write` is given the
   * outbox entry to pass to the store with its record (Collection.put's `outbox`). Once written, the
   * changes are emitted here. So a change reported to partners can be lost only with its own write.
   */
  async commit<T>(write: (outbox: OutboxEntry[]) => Promise<T>, ...changes: ConferenceChange[]): Promise<T> {
    const committed: CommittedChanges = {
      entryId: `${CHANGE_ENTRY_ID_PREFIX}${randomUUID()}`,
      dueAtMs: Date.now() + UNCLAIMED_CHANGE_MS,
      changes,
    };
    const entry: OutboxEntry = {
      id: committed.entryId,
      dueAtMs: committed.dueAtMs,
      data: JSON.stringify({ kind: CHANGE_ENTRY, changes }),
    };
    const result = await write([entry]);
    for (const change of changes) this.#emitChange(change);
    this.committed.emit('changes', committed);
    return result;
  }

  #emitChange(change: ConferenceChange): void {
    // The union's event and payload belong together (ConferenceChange), which emit's signature cannot see.
    (this.emit as (event: DurableEvent, payload: ConferenceChange['payload']) => boolean)(change.event, change.payload);
  }
}
