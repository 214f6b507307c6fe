import type { EventEmitter } from 'node:events';
import type { AlertEngineEvents } from '../ops/AlertEngine';
import type { ConferenceEvents } from '../conference/ConferenceBus';
import { splitStageKey } from '../stageKey';
import type { AlertRecord, HandRecord, QuestionRecord } from '../store/records';
import type { MeetingRecord } from '../store/deskRecords';
import type { WebhookEventType } from '../store/integrationRecords';
import type { ChangeSubject } from './WebhookPublisher';

export type Publish = (type: WebhookEventType, subject: ChangeSubject, data: unknown) => void;

/** A stage's media on the node where its sources are (the narrow part of media/StageMedia.ts this needs). */
export interface IngestStage {
  key: string;
  on(event: 'sourceupdated', listener: (source: { id: string; kind: string; label: string }) => void): unknown;
  on(event: 'sourceclosed', listener: (sourceId: string) => void): unknown;
}

/**
 * What partner webhooks hear, from the conference bus of THIS node only (each change is emitted once,
 * on the node that made it; the cluster's relayed bus would make every node publish it).
 */
export function followConference(bus: EventEmitter<ConferenceEvents>, publish: Publish): void {
  bus.on('sessionstarted', ({ session, stageWasLive }) => {
    const subject = { eventId: session.eventId, stageId: session.stageId };
    if (!stageWasLive) publish('stage.live', subject, { sessionId: session.id, title: session.title });
    publish('session.started', subject, session);
  });
  bus.on('sessionended', ({ session, replaced }) => {
    const subject = { eventId: session.eventId, stageId: session.stageId };
    publish('session.ended', subject, session);
    if (!replaced) publish('stage.ended', subject, { sessionId: session.id, title: session.title });
  });
  bus.on('programchanged', (change) => publish('program.changed', { eventId: change.eventId, stageId: change.stageId }, change));
  bus.on('questionstatus', ({ question, previous }) => {
    if (question.status === 'approved')
      publish('question.approved', { eventId: question.eventId, stageId: null }, publicQuestion(question, previous));
    if (question.status === 'answered')
      publish('question.answered', { eventId: question.eventId, stageId: null }, publicQuestion(question, previous));
  });
  bus.on('handchanged', (hand) => {
    if (hand.status === 'accepted') publish('hand.accepted', { eventId: hand.eventId, stageId: null }, publicHand(hand));
  });
  bus.on('recordingready', (recording) =>
    publish('recording.ready', { eventId: recording.eventId, stageId: recording.stageId }, recording),
  );
  bus.on('meetingchanged', (meeting) => publish(meetingType(meeting), { eventId: meeting.eventId, stageId: null }, meeting));
  bus.on('agreementrecorded', (agreement) => publish('agreement.signed', { eventId: agreement.eventId, stageId: null }, agreement));
}

/** Alerts of an event's stages (node-wide ones, such as a worker's, belong to no event and go nowhere). */
export function followAlerts(alerts: EventEmitter<AlertEngineEvents>, publish: Publish): void {
  const subject = (alert: AlertRecord): ChangeSubject => ({ eventId: alert.eventId, stageId: alert.stageId });
  alerts.on('raised', (alert) => {
    if (alert.eventId !== '') publish('alert.raised', subject(alert), alert);
  });
  alerts.on('cleared', (alert) => {
    if (alert.eventId !== '') publish('alert.cleared', subject(alert), alert);
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
    publish('ingest.connected', { eventId, stageId }, { sourceId: source.id, label: source.label });
  });
  stage.on('sourceclosed', (sourceId) => {
    if (!open.delete(sourceId)) return;
    publish('ingest.disconnected', { eventId, stageId }, { sourceId });
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
