import { assertCan, can } from '../server/auth/permissions';
import type { Conference } from '../server/conference/Conference';
import { AnswerHandSocketDto, ModerateQuestionSocketDto, QuestionRefDto, SessionRefDto, SubmitQuestionSocketDto } from './dto';
import { moderatorsRoom, publicQaRoom } from './rooms';
import type { SignalingServer, StageSocket } from './SignalingServer';

/** Q&A and raised hands over Socket.IO: the same operations as the REST routes, with live pushes. */
export function registerLiveHandlers(signaling: SignalingServer, socket: StageSocket, { qa, hands }: Conference): void {
  signaling.handle(socket, 'subscribeSession', SessionRefDto, async ({ sessionId }, { principal }) => {
    const moderator = can(principal.role, 'question.viewAll');
    const questions = await qa.list(principal, principal.eventId, sessionId);
    // Moderators get the queue; anyone else their own open hand, so a reloaded page shows it again.
    const own = await hands.ownOpenHand(principal, principal.eventId, sessionId);
    const queue = can(principal.role, 'hand.viewQueue') ? await hands.queue(principal.eventId, sessionId) : own ? [own] : [];
    await socket.join(moderator ? moderatorsRoom(sessionId) : publicQaRoom(sessionId));
    return { questions, hands: queue };
  });

  signaling.handle(socket, 'unsubscribeSession', SessionRefDto, async ({ sessionId }) => {
    await socket.leave(publicQaRoom(sessionId));
    await socket.leave(moderatorsRoom(sessionId));
    return {};
  });

  signaling.handle(socket, 'submitQuestion', SubmitQuestionSocketDto, async ({ sessionId, text }, { principal }) => {
    assertCan(principal, 'question.submit');
    return qa.submit(principal, principal.eventId, sessionId, text);
  });

  signaling.handle(socket, 'upvoteQuestion', QuestionRefDto, async ({ sessionId, questionId }, { principal }) => {
    assertCan(principal, 'question.vote');
    return qa.upvote(principal, principal.eventId, sessionId, questionId);
  });

  signaling.handle(socket, 'withdrawQuestion', QuestionRefDto, async ({ sessionId, questionId }, { principal }) => {
    assertCan(principal, 'question.submit');
    await qa.withdraw(principal, principal.eventId, sessionId, questionId);
    return {};
  });

  signaling.handle(socket, 'moderateQuestion', ModerateQuestionSocketDto, async ({ sessionId, questionId, action }, { principal }) => {
    assertCan(principal, 'question.moderate');
    return qa.moderate(principal.eventId, sessionId, questionId, action);
  });

  signaling.handle(socket, 'raiseHand', SessionRefDto, async ({ sessionId }, { principal }) => {
    assertCan(principal, 'hand.raise');
    return hands.raise(principal, principal.eventId, sessionId);
  });

  signaling.handle(socket, 'lowerHand', SessionRefDto, async ({ sessionId }, { principal }) => {
    assertCan(principal, 'hand.raise');
    return hands.lowerOwn(principal, principal.eventId, sessionId);
  });

  signaling.handle(socket, 'answerHand', AnswerHandSocketDto, async ({ sessionId, handId, action }, { principal }) => {
    assertCan(principal, 'hand.answer');
    return hands.answer(principal.eventId, sessionId, handId, action);
  });
}
