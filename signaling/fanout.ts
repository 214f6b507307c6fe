import type { ConferenceBus } from '../server/conference/ConferenceBus';
import { isPublicStatus, publicQuestionView } from '../server/conference/QaService';
import { eventRoom, moderatorsRoom, participantRoom, publicQaRoom, stageRoom } from './rooms';
import type { SignalingIo } from './socketTypes';
import { stageKey } from '../server/stageKey';

/**
 * Carries what happens in the conference domain to the rooms that should hear it. Room emits go
 * through the Socket.IO adapter, so with the Redis adapter they reach clients on every node.
 */
export function fanOutConferenceEvents(bus: ConferenceBus, io: SignalingIo): void {
  bus.on('programchanged', (change) => io.to(stageRoom(stageKey(change.eventId, change.stageId))).emit('programChanged', change));
  bus.on('agendachanged', (event) => io.to(eventRoom(event.eventId)).emit('agendaChanged', event));
  bus.on('sessionchanged', (session) => io.to(eventRoom(session.eventId)).emit('sessionUpdated', session));
  bus.on('questionchanged', (question) => {
    io.to(moderatorsRoom(question.sessionId)).emit('questionUpdated', question);
    const attendees = io.to(publicQaRoom(question.sessionId)).except(moderatorsRoom(question.sessionId));
    if (isPublicStatus(question.status)) attendees.emit('questionUpdated', publicQuestionView(question));
    else attendees.emit('questionRemoved', { sessionId: question.sessionId, questionId: question.id });
  });
  bus.on('questionremoved', (event) => {
    const payload = { sessionId: event.sessionId, questionId: event.questionId };
    io.to([moderatorsRoom(event.sessionId), publicQaRoom(event.sessionId)]).emit('questionRemoved', payload);
  });
  bus.on('handchanged', (hand) => io.to([moderatorsRoom(hand.sessionId), participantRoom(hand.participantId)]).emit('handUpdated', hand));
  bus.on('meetingreminder', (reminder) => io.to(reminder.delegateIds.map(participantRoom)).emit('meetingReminder', reminder));
}
