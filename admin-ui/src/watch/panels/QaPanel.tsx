import { useState } from 'preact/hooks';
import type { AgendaItem, QuestionView } from '../../../../signaling/contract';
import { request, type StageSocket } from '../../lib/signaling';
import { useConnected, useSocketEvent } from '../../live/hooks';
import { byPriority, useSessionQa } from '../../live/useSessionQa';
import { useVotedQuestions } from './votes';

const MAX_LENGTH = 500;

interface Sent {
  question: QuestionView;
  /** A moderator took it out (or it was withdrawn): it will not be shown to the audience. */
  dropped: boolean;
}

/** Ask a question, upvote others', and see the moderators' published questions and answers, live. */
export function QaPanel({ socket, session, eventId }: { socket: StageSocket; session: AgendaItem | null; eventId: string }) {
  const qa = useSessionQa(socket, session?.id ?? null);
  const connected = useConnected(socket);
  const voted = useVotedQuestions(eventId);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<Sent[]>([]);

  useSocketEvent(socket, 'questionRemoved', ({ questionId }) => {
    setSent((list) => list.map((entry) => (entry.question.id === questionId ? { ...entry, dropped: true } : entry)));
  });

  if (!session) return <p class="panel-note">Questions open when a session is scheduled on this stage.</p>;

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
      setProblem(error instanceof Error ? error.message.replace(/^submitQuestion: /, '') : String(error));
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
      setProblem(error instanceof Error ? error.message.replace(/^upvoteQuestion: /, '') : String(error));
    }
  };

  const item = (question: QuestionView) => {
    // Broadcasts never say whose a question is (that would link an anonymous participant's questions):
    // the listing marks the caller's own, and the page knows what it sent.
    const mine = question.mine === true || sent.some((entry) => entry.question.id === question.id);
    const hasVoted = voted.has(question.id);
    return (
      <li key={question.id} class={`qa-item${question.pinned ? ' pinned' : ''}`} data-question={question.id}>
        <button
          type="button"
          class="vote"
          aria-pressed={hasVoted}
          disabled={mine || hasVoted || !connected || question.status === 'answered'}
          title={mine ? 'Your question' : hasVoted ? 'You voted for this' : 'Vote for this question'}
          onClick={() => void upvote(question)}
        >
          <span aria-hidden="true">▲</span>
          <span class="vote-count">{question.votes}</span>
        </button>
        <div class="qa-item-body">
          <p class="qa-text">{question.text}</p>
          <p class="qa-meta">
            {question.pinned && <span class="tag tag-pin">Pinned</span>}
            {question.status === 'answered' && <span class="tag tag-answered">Answered</span>}
            {question.authorName}
            {mine && ' (you)'}
          </p>
        </div>
      </li>
    );
  };

  return (
    <div class="qa-panel">
      <p class="panel-note">
        Questions for <strong>{session.title}</strong>
      </p>
      <form class="ask" onSubmit={(e) => void ask(e)}>
        <label for="question-text" class="visually-hidden">
          Your question
        </label>
        <textarea
          id="question-text"
          rows={2}
          maxLength={MAX_LENGTH}
          placeholder="Ask the speakers a question…"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void ask(e);
          }}
        />
        <div class="ask-row">
          <span class="ask-count">
            {text.length}/{MAX_LENGTH}
          </span>
          <button type="submit" id="ask-submit" disabled={sending || !connected || text.trim() === ''}>
            {sending ? 'Sending…' : 'Ask'}
          </button>
        </div>
        {problem && (
          <p class="ask-problem" role="alert">
            {problem}
          </p>
        )}
      </form>
      {waiting.length > 0 && (
        <ul class="qa-waiting" aria-label="Your questions">
          {waiting.map(({ question, dropped }) => (
            <li key={question.id} data-question={question.id}>
              <p class="qa-text">{question.text}</p>
              <p class="qa-meta">{dropped ? 'Not published by the moderators.' : 'Sent: a moderator will review it shortly.'}</p>
            </li>
          ))}
        </ul>
      )}
      {qa.error && <p class="ask-problem">{qa.error}</p>}
      <ol class="qa-list" id="qa-open" aria-label="Questions">
        {open.map(item)}
      </ol>
      {open.length === 0 && answered.length === 0 && <p class="panel-note">No questions published yet. Be the first to ask.</p>}
      {answered.length > 0 && (
        <>
          <h3 class="qa-subhead">Answered</h3>
          <ol class="qa-list qa-answered" id="qa-answered">
            {answered.map(item)}
          </ol>
        </>
      )}
    </div>
  );
}
