import { assertCan, can } from '../server/auth/permissions';
import type { HandsService } from '../server/conference/HandsService';
import type { QaService } from '../server/conference/QaService';
import { AnswerHandSocketDto, ModerateQuestionSocketDto, QuestionRefDto, SessionRefDto, SubmitQuestionSocketDto } from './dto';
import { moderatorsRoom, publicQaRoom } from './rooms';
import type { HandleRequest, ParticipantSocket } from './socketTypes';

/** Exactly what the Q&A and hands requests need of the conference. */
export interface LiveHandlerPorts {
  qa: Pick<QaService, 'list' | 'submit' | 'upvote' | 'withdraw' | 'moderate'>;
  hands: Pick<HandsService, 'ownOpenHand' | 'queue' | 'raise' | 'lowerOwn' | 'answer'>;
  /** The network tag of a client address (networkSource.ts). */
  sourceOf: (address: string) => string;
}

/** Q&A and raised hands over Socket.IO: the same operations as the REST routes, with live pushes. */
export function registerLiveHandlers(handle: HandleRequest, socket: ParticipantSocket, { qa, hands, sourceOf }: LiveHandlerPorts): void {
  const source = sourceOf(socket.data.clientIp);
  handle(socket, 'subscribeSession', SessionRefDto, async ({ sessionId }, { principal }) => {
    const moderator = can(principal.role, 'question.viewAll');
    const questions = await qa.list(principal, principal.eventId, sessionId);
    // Moderators get the queue; anyone else their own open hand, so a reloaded page shows it again.
    const own = await hands.ownOpenHand(principal, principal.eventId, sessionId);
    const queue = can(principal.role, 'hand.viewQueue') ? await hands.queue(principal.eventId, sessionId) : own ? [own] : [];
    await socket.join(moderator ? moderatorsRoom(sessionId) : publicQaRoom(sessionId));
    return { questions, hands: queue };
  });

  handle(socket, 'unsubscribeSession', SessionRefDto, async ({ sessionId }) => {
    await socket.leave(publicQaRoom(sessionId));
    await socket.leave(moderatorsRoom(sessionId));
    return {};
  });

  handle(socket, 'submitQuestion', SubmitQuestionSocketDto, async ({ sessionId, text }, { principal }) => {
    assertCan(principal, 'question.submit');
    return qa.submit(principal, principal.eventId, sessionId, text, source);
  });

  handle(socket, 'upvoteQuestion', QuestionRefDto, async ({ sessionId, questionId }, { principal }) => {
    assertCan(principal, 'question.vote');
    return qa.upvote(principal, principal.eventId, sessionId, questionId, source);
  });

  handle(socket, 'withdrawQuestion', QuestionRefDto, async ({ sessionId, questionId }, { principal }) => {
    assertCan(principal, 'question.submit');
    await qa.withdraw(principal, principal.eventId, sessionId, questionId);
    return {};
  });

  handle(socket, 'moderateQuestion', ModerateQuestionSocketDto, async ({ sessionId, questionId, action }, { principal }) => {
    assertCan(principal, 'question.moderate');
    return qa.moderate(principal.eventId, sessionId, questionId, action);
  });

  handle(socket, 'raiseHand', SessionRefDto, async ({ sessionId }, { principal }) => {
    assertCan(principal, 'hand.raise');
    return hands.raise(principal, principal.eventId, sessionId, source);
  });

  handle(socket, 'lowerHand', SessionRefDto, async ({ sessionId }, { principal }) => {
    assertCan(principal, 'hand.raise');
    return hands.lowerOwn(principal, principal.eventId, sessionId);
  });

  handle(socket, 'answerHand', AnswerHandSocketDto, async ({ sessionId, handId, action }, { principal }) => {
    assertCan(principal, 'hand.answer');
    return hands.answer(principal.eventId, sessionId, handId, action);
  });
}
