import { AppError } from '../../errors';
import type { Conference } from '../../conference/Conference';
import type { ApiRegistry } from '../api';
import { AnswerHandDto, ModerateQuestionDto, SetProgramDto, SubmitQuestionDto } from '../dto/live';
import { HandParams, QuestionParams, SessionParams, StageParams } from '../params';
import type { Principal } from '../../auth/tokens';
import type { Request } from 'express';

/** The client address under TRUST_PROXY (express's `req.ip`); the socket's address when express has none. */
function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}

function caller(principal: Principal | null): Principal {
  if (!principal) throw new AppError('unauthorized', 'missing bearer token');
  return principal;
}

/** On-air control, Q&A and raised hands: the same operations the consoles use over Socket.IO. */
export function registerLiveRoutes(api: ApiRegistry, { program, qa, hands, sourceOf }: Conference): void {
  const session = '/api/events/:eventId/sessions/:sessionId';

  api.add({
    method: 'post',
    path: `${session}/start`,
    operationId: 'startSession',
    summary: 'Put a session live (the one live before on its stage ends)',
    tag: 'program',
    access: 'program.control',
    params: SessionParams,
    handler: ({ params }) => program.startSession(params.eventId, params.sessionId),
  });
  api.add({
    method: 'post',
    path: `${session}/end`,
    operationId: 'endSession',
    summary: 'End a live session',
    tag: 'program',
    access: 'program.control',
    params: SessionParams,
    handler: ({ params }) => program.endSession(params.eventId, params.sessionId),
  });
  api.add({
    method: 'get',
    path: '/api/events/:eventId/stages/:stageId/program',
    operationId: 'getProgram',
    summary: 'The source on air and its lower-third',
    tag: 'program',
    access: 'event-read',
    params: StageParams,
    handler: ({ params }) => program.currentProgram(params.eventId, params.stageId),
  });
  api.add({
    method: 'put',
    path: '/api/events/:eventId/stages/:stageId/program',
    operationId: 'setProgram',
    summary: 'Put a live source on air for every viewer',
    tag: 'program',
    access: 'program.control',
    params: StageParams,
    body: SetProgramDto,
    handler: ({ params, body }) => program.setProgram(params.eventId, params.stageId, body.sourceId, body.speakerId),
  });

  api.add({
    method: 'get',
    path: `${session}/questions`,
    operationId: 'listQuestions',
    summary: 'Questions of a session (attendees: approved and answered; moderators: all)',
    tag: 'qa',
    access: 'event-read',
    params: SessionParams,
    handler: ({ params, principal }) => qa.list(principal, params.eventId, params.sessionId),
  });
  api.add({
    method: 'post',
    path: `${session}/questions`,
    operationId: 'submitQuestion',
    summary: 'Ask a question (1–500 characters)',
    tag: 'qa',
    access: 'question.submit',
    params: SessionParams,
    body: SubmitQuestionDto,
    status: 201,
    handler: ({ params, body, principal, req }) =>
      qa.submit(caller(principal), params.eventId, params.sessionId, body.text, sourceOf(clientIp(req))),
  });
  api.add({
    method: 'post',
    path: `${session}/questions/:questionId/upvote`,
    operationId: 'upvoteQuestion',
    summary: 'Upvote a question (once per participant)',
    tag: 'qa',
    access: 'question.vote',
    params: QuestionParams,
    handler: ({ params, principal, req }) =>
      qa.upvote(caller(principal), params.eventId, params.sessionId, params.questionId, sourceOf(clientIp(req))),
  });
  api.add({
    method: 'delete',
    path: `${session}/questions/:questionId`,
    operationId: 'withdrawQuestion',
    summary: 'Withdraw your own question',
    tag: 'qa',
    access: 'question.submit',
    params: QuestionParams,
    status: 204,
    handler: ({ params, principal }) => qa.withdraw(caller(principal), params.eventId, params.sessionId, params.questionId),
  });
  api.add({
    method: 'post',
    path: `${session}/questions/:questionId/moderate`,
    operationId: 'moderateQuestion',
    summary: 'Approve, reject, pin, unpin or mark answered',
    tag: 'qa',
    access: 'question.moderate',
    params: QuestionParams,
    body: ModerateQuestionDto,
    handler: ({ params, body }) => qa.moderate(params.eventId, params.sessionId, params.questionId, body.action),
  });

  api.add({
    method: 'get',
    path: `${session}/hands`,
    operationId: 'listHands',
    summary: 'The raised-hands queue, oldest first',
    tag: 'hands',
    access: 'hand.viewQueue',
    params: SessionParams,
    handler: ({ params }) => hands.queue(params.eventId, params.sessionId),
  });
  api.add({
    method: 'post',
    path: `${session}/hands`,
    operationId: 'raiseHand',
    summary: 'Raise your hand to speak',
    tag: 'hands',
    access: 'hand.raise',
    params: SessionParams,
    status: 201,
    handler: ({ params, principal, req }) => hands.raise(caller(principal), params.eventId, params.sessionId, sourceOf(clientIp(req))),
  });
  api.add({
    method: 'delete',
    path: `${session}/hands/mine`,
    operationId: 'lowerHand',
    summary: 'Lower your own hand',
    tag: 'hands',
    access: 'hand.raise',
    params: SessionParams,
    handler: ({ params, principal }) => hands.lowerOwn(caller(principal), params.eventId, params.sessionId),
  });
  api.add({
    method: 'post',
    path: `${session}/hands/:handId/answer`,
    operationId: 'answerHand',
    summary: 'Accept (the participant may speak) or lower a hand',
    tag: 'hands',
    access: 'hand.answer',
    params: HandParams,
    body: AnswerHandDto,
    handler: ({ params, body }) => hands.answer(params.eventId, params.sessionId, params.handId, body.action),
  });
}
