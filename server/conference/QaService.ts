import { randomUUID } from 'node:crypto';
import { can } from '../auth/permissions';
import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { QuestionRecord, QuestionStatus } from '../store/records';
import type { AgendaService } from './AgendaService';
import type { ConferenceBus, QuestionView } from './ConferenceBus';
import { RateLimiter } from './RateLimiter';
import { cleanHumanText, showsSomething } from './humanText';

export const QUESTION_MAX_LENGTH = 500;
export type ModerationAction = 'approve' | 'reject' | 'pin' | 'unpin' | 'answer';

/** Statuses attendees see; pending and rejected questions are for moderators only. */
export function isPublicStatus(status: QuestionStatus): boolean {
  return status === 'approved' || status === 'answered';
}

/** Pinned first, then most votes, then oldest. */
export function compareQuestions(a: QuestionView, b: QuestionView): number {
  return (
    Number(b.pinned) - Number(a.pinned) ||
    b.votes - a.votes ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    a.id.localeCompare(b.id)
  );
}

export interface QaLimits {
  questionsPerMinute: number;
  votesPerMinute: number;
}

/** The Q&A of each session: attendees ask and upvote, moderators keep the queue clean. */
export class QaService {
  readonly #questionLimiter: RateLimiter;
  readonly #voteLimiter: RateLimiter;

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
    private readonly agenda: AgendaService,
    limits: QaLimits,
  ) {
    this.#questionLimiter = new RateLimiter(limits.questionsPerMinute, 60_000, 'questions');
    this.#voteLimiter = new RateLimiter(limits.votesPerMinute, 60_000, 'votes');
  }

  async list(principal: Principal | null, eventId: string, sessionId: string): Promise<QuestionView[]> {
    await this.agenda.getSession(eventId, sessionId);
    const seesAll = principal !== null && can(principal.role, 'question.viewAll');
    const questions = (await this.store.collection('questions').list(sessionId)).filter((q) => seesAll || isPublicStatus(q.status));
    return (await this.#views(questions)).sort(compareQuestions);
  }

  async submit(principal: Principal, eventId: string, sessionId: string, rawText: string): Promise<QuestionView> {
    const text = cleanHumanText(rawText);
    if (!showsSomething(text) || text.length > QUESTION_MAX_LENGTH) {
      throw new AppError('bad_request', `a question has 1–${QUESTION_MAX_LENGTH} characters`, {
        details: [{ field: 'text', problems: [showsSomething(text) ? `length after cleaning is ${text.length}` : 'no visible character'] }],
      });
    }
    const session = await this.agenda.getSession(eventId, sessionId);
    if (session.status === 'done') throw new AppError('conflict', 'the session is over');
    this.#questionLimiter.hit(principal.id);
    const question: QuestionRecord = {
      id: randomUUID(),
      eventId,
      sessionId,
      text,
      authorId: principal.id,
      authorName: principal.name,
      status: 'pending',
      pinned: false,
      createdAt: new Date().toISOString(),
    };
    await this.store.collection('questions').put(question);
    return this.#changed(question);
  }

  /** One vote per participant: voting again changes nothing and answers the same view. */
  async upvote(principal: Principal, eventId: string, sessionId: string, questionId: string): Promise<QuestionView> {
    const question = await this.#visible(principal, eventId, sessionId, questionId);
    this.#voteLimiter.hit(principal.id);
    if (await this.store.votes.add(questionId, principal.id)) return this.#changed(question);
    return (await this.#views([question]))[0];
  }

  /** The author takes their question back. */
  async withdraw(principal: Principal, eventId: string, sessionId: string, questionId: string): Promise<void> {
    const question = await this.#visible(principal, eventId, sessionId, questionId);
    if (question.authorId !== principal.id) throw new AppError('forbidden', 'only its author can withdraw a question');
    await this.store.collection('questions').delete(sessionId, questionId);
    this.bus.emit('questionremoved', { eventId, sessionId, questionId });
  }

  async moderate(eventId: string, sessionId: string, questionId: string, action: ModerationAction): Promise<QuestionView> {
    await this.agenda.getSession(eventId, sessionId);
    const question = await this.#find(sessionId, questionId);
    const next = { ...question };
    switch (action) {
      case 'approve':
        next.status = 'approved';
        break;
      case 'reject':
        next.status = 'rejected';
        next.pinned = false;
        break;
      case 'answer':
        if (question.status === 'rejected') throw new AppError('conflict', 'a rejected question cannot be answered; approve it first');
        next.status = 'answered';
        break;
      case 'pin':
      case 'unpin':
        if (!isPublicStatus(question.status)) throw new AppError('conflict', `only approved or answered questions can be ${action}ned`);
        next.pinned = action === 'pin';
        break;
    }
    await this.store.collection('questions').put(next);
    return this.#changed(next);
  }

  async #find(sessionId: string, questionId: string): Promise<QuestionRecord> {
    const question = await this.store.collection('questions').get(sessionId, questionId);
    if (!question) throw new AppError('not_found', `no question ${questionId}`);
    return question;
  }

  /** A question the caller may see; others' unpublished questions are reported as absent. */
  async #visible(principal: Principal, eventId: string, sessionId: string, questionId: string): Promise<QuestionRecord> {
    await this.agenda.getSession(eventId, sessionId);
    const question = await this.#find(sessionId, questionId);
    const visible = isPublicStatus(question.status) || question.authorId === principal.id || can(principal.role, 'question.viewAll');
    if (!visible) throw new AppError('not_found', `no question ${questionId}`);
    return question;
  }

  async #views(questions: QuestionRecord[]): Promise<QuestionView[]> {
    const votes = await this.store.votes.counts(questions.map((q) => q.id));
    return questions.map((q) => ({ ...q, votes: votes.get(q.id) ?? 0 }));
  }

  async #changed(question: QuestionRecord): Promise<QuestionView> {
    const [view] = await this.#views([question]);
    this.bus.emit('questionchanged', view);
    return view;
  }
}
