import type { EventEmitter } from 'node:events';
import type { AlertEngineEvents } from '../ops/AlertEngine';
import type { ConferenceChange } from '../conference/ConferenceBus';
import { splitStageKey } from '../stageKey';
import type { AlertRecord, HandRecord, QuestionRecord } from '../store/records';
import type { MeetingRecord } from '../store/deskRecords';
import type { WebhookEventType } from '../store/integrationRecords';

export type Publish = (message: WebhookMessage) => void;

/** A stage's media on the node where its sources are (the narrow part of media/StageMedia.ts this needs). */
export interface IngestStage {
  key: string;
  on(event: 'sourceupdated', listener: (source: { id: string; kind: string; label: string }) => void): unknown;
  on(event: 'sourceclosed', listener: (sourceId: string) => void): unknown;
}

/** What a change is about: its event, and its stage when it has one (the sequence numbers are per stage). */
export interface ChangeSubject {
  eventId: string;
  stageId: string | null;
}

/** One message for partners: its type, what it is about, and its data. */
export interface WebhookMessage {
  type: WebhookEventType;
  subject: ChangeSubject;
  data: unknown;
}

/**
 * What partner webhooks hear of a committed conference change (ConferenceBus.commit): the node that
 * made it, or another node after that one died, turns it into messages once.
 */
export function messagesOf(change: ConferenceChange): WebhookMessage[] {
  const message = (type: WebhookEventType, subject: ChangeSubject, data: unknown): WebhookMessage => ({ type, subject, data });
  switch (change.event) {
    case 'sessionstarted': {
      const { session, stageWasLive } = change.payload;
      const subject = { eventId: session.eventId, stageId: session.stageId };
      return [
        ...(stageWasLive ? [] : [message('stage.live', subject, { sessionId: session.id, title: session.title })]),
        message('session.started', subject, session),
      ];
    }
    case 'sessionended': {
      const { session, replaced } = change.payload;
      const subject = { eventId: session.eventId, stageId: session.stageId };
      return [
        message('session.ended', subject, session),
        ...(replaced ? [] : [message('stage.ended', subject, { sessionId: session.id, title: session.title })]),
      ];
    }
    case 'programchanged':
      return [message('program.changed', { eventId: change.payload.eventId, stageId: change.payload.stageId }, change.payload)];
    case 'questionstatus': {
      const { question, previous } = change.payload;
      if (question.status !== 'approved' && question.status !== 'answered') return [];
      return [message(`question.${question.status}`, { eventId: question.eventId, stageId: null }, publicQuestion(question, previous))];
    }
    case 'handchanged':
      return change.payload.status === 'accepted'
        ? [message('hand.accepted', { eventId: change.payload.eventId, stageId: null }, publicHand(change.payload))]
        : [];
    case 'recordingready':
      return [message('recording.ready', { eventId: change.payload.eventId, stageId: change.payload.stageId }, change.payload)];
    case 'meetingchanged':
      return [message(meetingType(change.payload), { eventId: change.payload.eventId, stageId: null }, change.payload)];
    case 'agreementrecorded':
      return [message('agreement.signed', { eventId: change.payload.eventId, stageId: null }, change.payload)];
  }
}

/** Alerts of an event's stages (node-wide ones, such as a worker's, belong to no event and go nowhere). */
export function followAlerts(alerts: EventEmitter<AlertEngineEvents>, publish: Publish): void {
  const subject = (alert: AlertRecord): ChangeSubject => ({ eventId: alert.eventId, stageId: alert.stageId });
  alerts.on('raised', (alert) => {
    if (alert.eventId !== '') publish({ type: 'alert.raised', subject: subject(alert), data: alert });
  });
  alerts.on('cleared', (alert) => {
    if (alert.eventId !== '') publish({ type: 'alert.cleared', subject: subject(alert), data: alert });
  });
}

/**
 * Hall encoders' feeds (on-site sources) appearing on and leaving a stage, told by the node that is the
 * stage's origin: edges see the same sources piped to them and stay silent.
 */
export function followIngest(stage: IngestStage, isOrigin: (stageKey: string) => boolean, publish: Publish): void {
  const open = new Set<string>();
  const { eventId, stageId } = splitStageKey(stage.key);
  stage.on('sourceupdated', (source) => {
    // A source's producers changing (audio joining video) is an update of a feed already connected.
    if (source.kind !== 'onsite' || open.has(source.id) || !isOrigin(stage.key)) return;
    open.add(source.id);
    publish({ type: 'ingest.connected', subject: { eventId, stageId }, data: { sourceId: source.id, label: source.label } });
  });
  stage.on('sourceclosed', (sourceId) => {
    if (!open.delete(sourceId)) return;
    publish({ type: 'ingest.disconnected', subject: { eventId, stageId }, data: { sourceId } });
  });
}

function meetingType(meeting: MeetingRecord): WebhookEventType {
  return `meeting.${meeting.status}`;
}

/** Without the author's id and network: an anonymous participant's questions stay unlinkable outside too. */
function publicQuestion(question: QuestionRecord, previous: string): object {
  const { authorId: _author, sourceTag: _source, ...rest } = question;
  return { ...rest, previousStatus: previous };
}

function publicHand(hand: HandRecord): object {
  const { sourceTag: _source, ...rest } = hand;
  return rest;
}
