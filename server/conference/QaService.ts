import { randomUUID } from 'node:crypto';
import { can } from '../auth/permissions';
import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { QuestionRecord, QuestionStatus } from '../store/records';
import type { VoteBudget } from '../store/Store';
import type { AgendaService } from './AgendaService';
import type { ConferenceBus } from './ConferenceBus';
import type { ModeratedQuestionView, ModerationAction, QuestionView } from './views';
import { RateLimiter } from './RateLimiter';
import { cleanHumanText, showsSomething } from './humanText';

export const QUESTION_MAX_LENGTH = 500;
/** The window of a network's vote budget on a question (AudiencePolicy.votesPerNetwork). */
export const VOTE_BUDGET_WINDOW_MS = 10 * 60_000;

/** Statuses attendees see; pending and rejected questions are for moderators only. */
export function isPublicStatus(status: QuestionStatus): boolean {
  return status === 'approved' || status === 'answered';
}

/** What attendees may see of a question: without who asked it, from where, or the held votes. */
export function publicQuestionView(question: ModeratedQuestionView): QuestionView {
  const { authorId: _author, sourceTag: _source, heldVotes: _held, ...shown } = question;
  return shown;
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
  /** Questions all anonymous participants of one network may ask per minute together. */
  questionsPerNetworkPerMinute: number;
  votesPerMinute: number;
}

/** The Q&A of each session: attendees ask and upvote, moderators keep the queue clean. */
export class QaService {
  readonly #questionLimiter: RateLimiter;
  readonly #networkQuestionLimiter: RateLimiter;
  readonly #voteLimiter: RateLimiter;

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
    private readonly agenda: AgendaService,
    limits: QaLimits,
  ) {
    this.#questionLimiter = new RateLimiter(limits.questionsPerMinute, 60_000, 'questions');
    this.#networkQuestionLimiter = new RateLimiter(limits.questionsPerNetworkPerMinute, 60_000, 'questions from your network');
    this.#voteLimiter = new RateLimiter(limits.votesPerMinute, 60_000, 'votes');
  }

  /** Moderators get every question in full; anyone else the public ones, their own marked `mine`. */
  async list(principal: Principal | null, eventId: string, sessionId: string): Promise<QuestionView[] | ModeratedQuestionView[]> {
    await this.agenda.getSession(eventId, sessionId);
    const questions = await this.store.collection('questions').list(sessionId);
    if (principal !== null && can(principal.role, 'question.viewAll')) return (await this.#views(questions)).sort(compareQuestions);
    const shown = await this.#views(questions.filter((q) => isPublicStatus(q.status)));
    return shown.map((q) => this.#forParticipant(q, principal)).sort(compareQuestions);
  }

  /** `source`: the asker's network tag (networkSource.ts). */
  async submit(principal: Principal, eventId: string, sessionId: string, rawText: string, source: string): Promise<QuestionView> {
    const text = cleanHumanText(rawText);
    if (!showsSomething(text) || text.length > QUESTION_MAX_LENGTH) {
      throw new AppError('bad_request', `a question has 1–${QUESTION_MAX_LENGTH} characters`, {
        details: [{ field: 'text', problems: [showsSomething(text) ? `length after cleaning is ${text.length}` : 'no visible character'] }],
      });
    }
    const session = await this.agenda.getSession(eventId, sessionId);
    if (session.status === 'done') throw new AppError('conflict', 'the session is over');
    if (principal.anonymous) {
      if (!(await this.agenda.audience(eventId)).anonymousMayAsk)
        throw new AppError('forbidden', 'this event takes questions from invited participants only');
      this.#networkQuestionLimiter.hit(source);
    }
    this.#questionLimiter.hit(principal.id);
    const question: QuestionRecord = {
      id: randomUUID(),
      eventId,
      sessionId,
      text,
      authorId: principal.id,
      authorName: principal.name,
      sourceTag: source,
      status: 'pending',
      pinned: false,
      createdAt: new Date().toISOString(),
    };
    await this.store.collection('questions').put(question);
    return this.#forParticipant(await this.#changed(question), principal);
  }

  /**
   * One vote per participant: voting again changes nothing and answers the same view. An anonymous
   * participant's vote counts within their network's budget on the question and is held beyond it.
   */
  async upvote(principal: Principal, eventId: string, sessionId: string, questionId: string, source: string): Promise<QuestionView> {
    const question = await this.#visible(principal, eventId, sessionId, questionId);
    let budget: VoteBudget | undefined;
    if (principal.anonymous) {
      const audience = await this.agenda.audience(eventId);
      if (!audience.anonymousMayVote) throw new AppError('forbidden', 'in this event only invited participants vote');
      budget = { source, limit: audience.votesPerNetwork, windowMs: VOTE_BUDGET_WINDOW_MS, nowMs: Date.now() };
    }
    this.#voteLimiter.hit(principal.id);
    const outcome = await this.store.votes.add(questionId, principal.id, budget);
    const view = outcome === 'duplicate' ? (await this.#views([question]))[0] : await this.#changed(question);
    return this.#forParticipant(view, principal);
  }

  /** The author takes their question back. */
  async withdraw(principal: Principal, eventId: string, sessionId: string, questionId: string): Promise<void> {
    const question = await this.#visible(principal, eventId, sessionId, questionId);
    if (question.authorId !== principal.id) throw new AppError('forbidden', 'only its author can withdraw a question');
    await this.store.collection('questions').delete(sessionId, questionId);
    this.bus.emit('questionremoved', { eventId, sessionId, questionId });
  }

  async moderate(eventId: string, sessionId: string, questionId: string, action: ModerationAction): Promise<ModeratedQuestionView> {
    await this.agenda.getSession(eventId, sessionId);
    const question = await this.#find(sessionId, questionId);
    const next = { ...question };
    switch (action) {
      case 'countHeldVotes':
        // The moderator knows the burst for what it is (a delegation behind one network): its votes count.
        await this.store.votes.countHeld(questionId);
        return this.#changed(question);
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
    const questions = this.store.collection('questions');
    if (next.status === question.status) await questions.put(next);
    else
      await this.bus.commit((outbox) => questions.put(next, outbox), {
        event: 'questionstatus',
        payload: { question: next, previous: question.status },
      });
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

  async #views(questions: QuestionRecord[]): Promise<ModeratedQuestionView[]> {
    const ids = questions.map((q) => q.id);
    const [votes, held] = await Promise.all([this.store.votes.counts(ids), this.store.votes.held(ids)]);
    return questions.map((q) => ({ ...q, votes: votes.get(q.id) ?? 0, heldVotes: held.get(q.id) ?? 0 }));
  }

  #forParticipant(question: ModeratedQuestionView, principal: Principal | null): QuestionView {
    const view = publicQuestionView(question);
    return principal !== null && question.authorId === principal.id ? { ...view, mine: true } : view;
  }

  async #changed(question: QuestionRecord): Promise<ModeratedQuestionView> {
    const [view] = await this.#views([question]);
    this.bus.emit('questionchanged', view);
    return view;
  }
}
