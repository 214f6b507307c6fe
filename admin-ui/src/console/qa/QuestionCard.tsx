import type { QuestionView } from '../../../../signaling/contract';
import { heldVotesOf } from './moderatedFields';
import type { ModerationAction } from './moderationKeys';

interface QuestionCardProps {
  question: QuestionView;
  /** Questions of this session asked from the same network as this one (itself included). */
  fromSameNetwork: number;
  selected: boolean;
  busy: boolean;
  now: number;
  onSelect: () => void;
  onAct: (action: ModerationAction) => void;
}

export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

/** What a moderator can do with a question in each status, in the order the buttons appear. */
function actionsFor(question: QuestionView): { action: ModerationAction; label: string; key: string; tone: string }[] {
  const countHeld =
    heldVotesOf(question) > 0 ? [{ action: 'countHeldVotes' as const, label: 'Count held votes', key: 'V', tone: 'quiet' }] : [];
  return [...actionsByStatus(question), ...countHeld];
}

function actionsByStatus(question: QuestionView): { action: ModerationAction; label: string; key: string; tone: string }[] {
  const pin = question.pinned
    ? { action: 'unpin' as const, label: 'Unpin', key: 'P', tone: 'quiet' }
    : { action: 'pin' as const, label: 'Pin', key: 'P', tone: 'quiet' };
  switch (question.status) {
    case 'pending':
      return [
        { action: 'approve', label: 'Approve', key: 'A', tone: 'approve' },
        { action: 'reject', label: 'Reject', key: 'R', tone: 'reject' },
      ];
    case 'approved':
      return [
        { action: 'answer', label: 'Answered', key: 'D', tone: 'approve' },
        pin,
        { action: 'reject', label: 'Reject', key: 'R', tone: 'reject' },
      ];
    case 'answered':
      return [
        { action: 'approve', label: 'Reopen', key: 'A', tone: 'quiet' },
        pin,
        { action: 'reject', label: 'Reject', key: 'R', tone: 'reject' },
      ];
    case 'rejected':
      return [{ action: 'approve', label: 'Approve', key: 'A', tone: 'approve' }];
  }
}

/** One question: its text exactly as typed (text, never markup), who asked, votes, and the moderator's buttons. */
export function QuestionCard({ question, fromSameNetwork, selected, busy, now, onSelect, onAct }: QuestionCardProps) {
  const held = heldVotesOf(question);
  return (
    <li
      class={`question-card${selected ? ' selected' : ''}${question.pinned ? ' pinned' : ''}`}
      data-question={question.id}
      data-status={question.status}
      aria-selected={selected}
      onClick={onSelect}
    >
      <div class="question-votes" title={`${question.votes} vote${question.votes === 1 ? '' : 's'}`}>
        <span class="question-vote-count">{question.votes}</span>
        <span class="question-vote-label">votes</span>
      </div>
      <div class="question-body">
        <p class="question-text">{question.text}</p>
        <p class="question-meta">
          {question.pinned && <span class="badge badge-pin">Pinned</span>}
          <span class="question-author">{question.authorName}</span> · {timeAgo(question.createdAt, now)}
        </p>
        {fromSameNetwork > 1 && <p class="question-network">{fromSameNetwork} questions from one network</p>}
        {held > 0 && (
          <p class="question-burst" data-held-votes={held}>
            <span class="badge badge-burst">Vote burst</span> {held} more vote{held === 1 ? '' : 's'} from one network, held: not counted
            unless you count them.
          </p>
        )}
        <div class="question-actions">
          {actionsFor(question).map(({ action, label, key, tone }) => (
            <button
              key={action}
              type="button"
              class={`button-small tone-${tone}`}
              data-action={action}
              disabled={busy}
              title={`${label} (${key})`}
              onClick={(e) => {
                e.stopPropagation();
                onAct(action);
              }}
            >
              {label}
              <kbd>{key}</kbd>
            </button>
          ))}
        </div>
      </div>
    </li>
  );
}
