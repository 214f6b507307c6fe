import type { QuestionView } from '../../../../signaling/contract';

/**
 * What only moderators' copies of a question carry (ModeratedQuestionView): the shared Q&A hook types
 * questions as everyone sees them, so these read the extra fields where they are present.
 */
export function heldVotesOf(question: QuestionView): number {
  return 'heldVotes' in question && typeof question.heldVotes === 'number' ? question.heldVotes : 0;
}

function networkOf(question: QuestionView): string | null {
  return 'sourceTag' in question && typeof question.sourceTag === 'string' ? question.sourceTag : null;
}

/** How many of the questions came from the network each question came from (1 where unknown). */
export function sameNetworkCounts(questions: readonly QuestionView[]): (question: QuestionView) => number {
  const counts = new Map<string, number>();
  for (const question of questions) {
    const network = networkOf(question);
    if (network !== null) counts.set(network, (counts.get(network) ?? 0) + 1);
  }
  return (question) => counts.get(networkOf(question) ?? '') ?? 1;
}
