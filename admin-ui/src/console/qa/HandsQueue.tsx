import type { HandRecord } from '../../../../signaling/contract';
import { timeAgo } from './QuestionCard';

interface HandsQueueProps {
  hands: ReadonlyMap<string, HandRecord> | null;
  busy: boolean;
  now: number;
  onAnswer: (hand: HandRecord, action: 'accept' | 'lower') => void;
}

/** Raised hands, oldest first; an accepted hand may publish camera and microphone until it is lowered. */
export function HandsQueue({ hands, busy, now, onAnswer }: HandsQueueProps) {
  const list = [...(hands?.values() ?? [])].sort(
    (a, b) => Number(b.status === 'accepted') - Number(a.status === 'accepted') || Date.parse(a.raisedAt) - Date.parse(b.raisedAt),
  );
  return (
    <section class="panel hands-panel" aria-labelledby="hands-heading">
      <h2 id="hands-heading">
        Raised hands <span class="count">{list.length}</span>
      </h2>
      {hands === null ? (
        <p class="muted">Your role does not see the hands queue.</p>
      ) : list.length === 0 ? (
        <p class="muted">No hand raised.</p>
      ) : (
        <ol class="hand-list">
          {list.map((hand) => (
            <li key={hand.id} class={`hand hand-${hand.status}`} data-hand={hand.id}>
              <div class="hand-text">
                <strong>{hand.name}</strong>
                <span class="muted">
                  {hand.status === 'accepted' ? 'Speaking: may use camera and microphone' : `raised ${timeAgo(hand.raisedAt, now)}`}
                </span>
              </div>
              <div class="hand-actions">
                {hand.status === 'raised' && (
                  <button type="button" class="button-small tone-approve" disabled={busy} onClick={() => onAnswer(hand, 'accept')}>
                    Accept
                  </button>
                )}
                <button type="button" class="button-small tone-reject" disabled={busy} onClick={() => onAnswer(hand, 'lower')}>
                  {hand.status === 'accepted' ? 'End' : 'Lower'}
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
