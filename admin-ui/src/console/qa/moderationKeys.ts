import type { ModerateQuestionRequest, QuestionView } from '../../../../signaling/contract';
import { heldVotesOf } from './moderatedFields';

export type ModerationAction = ModerateQuestionRequest['action'];
export type QuestionColumn = QuestionView['status'];
export const COLUMNS: readonly QuestionColumn[] = ['pending', 'approved', 'answered', 'rejected'];

export type KeyCommand = { kind: 'act'; action: ModerationAction } | { kind: 'move'; rows: number } | { kind: 'column'; columns: number };

/**
 * The moderator's keyboard: j/k (or arrows) move through a column, h/l across columns; a approve,
 * r reject, p pin or unpin, d mark answered, v count the votes held from one network. Keys that make no sense for the question's status do nothing.
 */
export function commandFor(key: string, question: QuestionView | null): KeyCommand | null {
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return { kind: 'move', rows: 1 };
    case 'k':
    case 'ArrowUp':
      return { kind: 'move', rows: -1 };
    case 'l':
    case 'ArrowRight':
      return { kind: 'column', columns: 1 };
    case 'h':
    case 'ArrowLeft':
      return { kind: 'column', columns: -1 };
  }
  if (!question) return null;
  const status = question.status;
  switch (key.toLowerCase()) {
    case 'a':
      return status === 'approved' ? null : { kind: 'act', action: 'approve' };
    case 'r':
      return status === 'rejected' ? null : { kind: 'act', action: 'reject' };
    case 'p':
      return status === 'approved' || status === 'answered' ? { kind: 'act', action: question.pinned ? 'unpin' : 'pin' } : null;
    case 'd':
      return status === 'approved' ? { kind: 'act', action: 'answer' } : null;
    case 'v':
      return heldVotesOf(question) > 0 ? { kind: 'act', action: 'countHeldVotes' } : null;
    default:
      return null;
  }
}

/** Keys typed into a field are the field's, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}
