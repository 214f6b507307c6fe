import type { QuestionView } from '../../../../signaling/contract';
import { consoleQa } from '../../i18n/messages/consoleQa';
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

const t = consoleQa.t;

/** How long ago, to the minute: a moderator weighs a question's wait, not its timestamp. */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return t('ago.now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('ago.minutes', { minutes });
  return t('ago.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** What a moderator can do with a question in each status, in the order the buttons appear. */
function actionsFor(question: QuestionView): { action: ModerationAction; label: string; key: string; tone: string }[] {
  const countHeld =
    heldVotesOf(question) > 0 ? [{ action: 'countHeldVotes' as const, label: t('action.countHeldVotes'), key: 'V', tone: 'quiet' }] : [];
  return [...actionsByStatus(question), ...countHeld];
}

function actionsByStatus(question: QuestionView): { action: ModerationAction; label: string; key: string; tone: string }[] {
  const pin = question.pinned
    ? { action: 'unpin' as const, label: t('action.unpin'), key: 'P', tone: 'quiet' }
    : { action: 'pin' as const, label: t('action.pin'), key: 'P', tone: 'quiet' };
  switch (question.status) {
    case 'pending':
      return [
        { action: 'approve', label: t('action.approve'), key: 'A', tone: 'approve' },
        { action: 'reject', label: t('action.reject'), key: 'R', tone: 'reject' },
      ];
    case 'approved':
      return [
        { action: 'answer', label: t('action.answer'), key: 'D', tone: 'approve' },
        pin,
        { action: 'reject', label: t('action.reject'), key: 'R', tone: 'reject' },
      ];
    case 'answered':
      return [
        { action: 'approve', label: t('action.reopen'), key: 'A', tone: 'quiet' },
        pin,
        { action: 'reject', label: t('action.reject'), key: 'R', tone: 'reject' },
      ];
    case 'rejected':
      return [{ action: 'approve', label: t('action.approve'), key: 'A', tone: 'approve' }];
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
      <div class="question-votes" title={t('card.votes', { count: question.votes })}>
        <span class="question-vote-count">{question.votes}</span>
        <span class="question-vote-label">{t('card.votesLabel')}</span>
      </div>
      <div class="question-body">
        <p class="question-text">{question.text}</p>
        <p class="question-meta">
          {question.pinned && <span class="badge badge-pin">{t('card.pinned')}</span>}
          <span class="question-author">{question.authorName}</span> · {timeAgo(question.createdAt, now)}
        </p>
        {fromSameNetwork > 1 && <p class="question-network">{t('card.sameNetwork', { count: fromSameNetwork })}</p>}
        {held > 0 && (
          <p class="question-burst" data-held-votes={held}>
            <span class="badge badge-burst">{t('card.burst')}</span> {t('card.burstHeld', { count: held })}
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
