import { useState } from 'preact/hooks';
import type { AgendaItem, QuestionView } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import { failureCode, failureText } from '../../lib/failureText';
import { request, type StageSocket } from '../../lib/signaling';
import { useConnected, useSocketEvent } from '../../live/hooks';
import { byPriority, useSessionQa } from '../../live/useSessionQa';
import { useVotedQuestions } from './votes';

const MAX_LENGTH = 500;

/** Why a question or a vote did not go through, in the page's language. */
function qaFailureText(error: Error): string {
  switch (failureCode(error)) {
    case 'rate_limited':
      return watchPanels.t('qa.tooFast');
    case 'conflict':
      return watchPanels.t('qa.closed');
    case 'forbidden':
      return watchPanels.t('qa.forbidden');
    case 'bad_request':
      return watchPanels.t('qa.invalid', { max: MAX_LENGTH });
    default:
      return failureText(error);
  }
}

const asError = (failure: unknown): Error => (failure instanceof Error ? failure : new Error(String(failure)));

interface Sent {
  question: QuestionView;
  /** A moderator took it out (or it was withdrawn): it will not be shown to the audience. */
  dropped: boolean;
}

/** Ask a question, upvote others', and see the moderators' published questions and answers, live. */
export function QaPanel({ socket, session, eventId }: { socket: StageSocket; session: AgendaItem | null; eventId: string }) {
  useLocale();
  const qa = useSessionQa(socket, session?.id ?? null);
  const connected = useConnected(socket);
  const voted = useVotedQuestions(eventId);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<Error | null>(null);
  const [sent, setSent] = useState<Sent[]>([]);

  useSocketEvent(socket, 'questionRemoved', ({ questionId }) => {
    setSent((list) => list.map((entry) => (entry.question.id === questionId ? { ...entry, dropped: true } : entry)));
  });

  if (!session) return <p class="panel-note">{watchPanels.t('qa.noSession')}</p>;

  const published = [...qa.questions.values()].sort(byPriority);
  const open = published.filter((q) => q.status === 'approved');
  const answered = published.filter((q) => q.status === 'answered');
  // Mine, until a moderator publishes them (then they appear in the list like everyone's).
  const waiting = sent.filter((entry) => entry.question.sessionId === session.id && !qa.questions.has(entry.question.id));

  const ask = async (event: Event): Promise<void> => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    setSending(true);
    setProblem(null);
    try {
      const question = await request(socket, 'submitQuestion', { sessionId: session.id, text: trimmed });
      setSent((list) => [...list, { question, dropped: false }]);
      setText('');
    } catch (error) {
      setProblem(asError(error));
    } finally {
      setSending(false);
    }
  };

  const upvote = async (question: QuestionView): Promise<void> => {
    voted.add(question.id);
    try {
      qa.apply(await request(socket, 'upvoteQuestion', { sessionId: session.id, questionId: question.id }));
    } catch (error) {
      voted.remove(question.id);
      setProblem(asError(error));
    }
  };

  const item = (question: QuestionView) => {
    // Broadcasts never say whose a question is (that would link an anonymous participant's questions):
    // the listing marks the caller's own, and the page knows what it sent.
    const mine = question.mine === true || sent.some((entry) => entry.question.id === question.id);
    const hasVoted = voted.has(question.id);
    const isAnswered = question.status === 'answered';
    return (
      <li key={question.id} class={`qa-item${question.pinned ? ' pinned' : ''}`} data-question={question.id}>
        <button
          type="button"
          class="vote"
          aria-pressed={hasVoted}
          disabled={mine || hasVoted || !connected || isAnswered}
          title={watchPanels.t(mine ? 'qa.yours' : hasVoted ? 'qa.voted' : 'qa.vote')}
          onClick={() => void upvote(question)}
        >
          <span aria-hidden="true">▲</span>
          <span class="vote-count">{question.votes}</span>
        </button>
        <div class="qa-item-body">
          <p class="qa-text">{question.text}</p>
          <p class="qa-meta">
            {question.pinned && <span class="tag tag-pin">{watchPanels.t('qa.pinned')}</span>}
            {isAnswered && <span class="tag tag-answered">{watchPanels.t('qa.answered')}</span>}
            {question.authorName}
            {mine && watchPanels.t('qa.you')}
          </p>
        </div>
      </li>
    );
  };

  return (
    <div class="qa-panel">
      <p class="panel-note">
        {watchPanels.t('qa.heading')} <strong>{localized(session, 'title')}</strong>
      </p>
      <form class="ask" onSubmit={(e) => void ask(e)}>
        <label for="question-text" class="visually-hidden">
          {watchPanels.t('qa.label')}
        </label>
        <textarea
          id="question-text"
          rows={2}
          maxLength={MAX_LENGTH}
          placeholder={watchPanels.t('qa.placeholder')}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void ask(e);
          }}
        />
        <div class="ask-row">
          <span class="ask-count">{watchPanels.t('qa.length', { length: text.length, max: MAX_LENGTH })}</span>
          <button type="submit" id="ask-submit" disabled={sending || !connected || text.trim() === ''}>
            {watchPanels.t(sending ? 'qa.sending' : 'qa.ask')}
          </button>
        </div>
        {problem && (
          <p class="ask-problem" role="alert">
            {qaFailureText(problem)}
          </p>
        )}
      </form>
      {waiting.length > 0 && (
        <ul class="qa-waiting" aria-label={watchPanels.t('qa.mine')}>
          {waiting.map(({ question, dropped }) => (
            <li key={question.id} data-question={question.id}>
              <p class="qa-text">{question.text}</p>
              <p class="qa-meta">{watchPanels.t(dropped ? 'qa.dropped' : 'qa.waiting')}</p>
            </li>
          ))}
        </ul>
      )}
      {qa.error && <p class="ask-problem">{qa.error}</p>}
      <ol class="qa-list" id="qa-open" aria-label={watchPanels.t('qa.list')}>
        {open.map(item)}
      </ol>
      {open.length === 0 && answered.length === 0 && <p class="panel-note">{watchPanels.t('qa.empty')}</p>}
      {answered.length > 0 && (
        <>
          <h3 class="qa-subhead">{watchPanels.t('qa.answeredHeading')}</h3>
          <ol class="qa-list qa-answered" id="qa-answered">
            {answered.map(item)}
          </ol>
        </>
      )}
    </div>
  );
}
