import type { HandRecord } from '../../../../signaling/contract';
import { consoleQa } from '../../i18n/messages/consoleQa';
import { timeAgo } from './QuestionCard';

const t = consoleQa.t;

interface HandsQueueProps {
  hands: ReadonlyMap<string, HandRecord> | null;
  /** Hands with an answer on its way: their buttons wait for it. */
  inFlight: ReadonlySet<string>;
  now: number;
  onAnswer: (hand: HandRecord, action: 'accept' | 'lower') => void;
}

/** A hand still waiting for an answer (not yet accepted). */
const isWaiting = (hand: HandRecord): boolean => hand.status === 'raised';

/** Raised hands, oldest first; an accepted hand may publish camera and microphone until it is lowered. */
export function HandsQueue({ hands, inFlight, now, onAnswer }: HandsQueueProps) {
  const list = [...(hands?.values() ?? [])].sort(
    (a, b) => Number(b.status === 'accepted') - Number(a.status === 'accepted') || Date.parse(a.raisedAt) - Date.parse(b.raisedAt),
  );
  return (
    <section class="panel hands-panel" aria-labelledby="hands-heading">
      <h2 id="hands-heading">
        {t('hands.heading')} <span class="count">{list.length}</span>
      </h2>
      {hands === null ? (
        <p class="muted">{t('hands.hidden')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('hands.none')}</p>
      ) : (
        <ol class="hand-list">
          {list.map((hand) => (
            <li key={hand.id} class={`hand hand-${hand.status}`} data-hand={hand.id}>
              <div class="hand-text">
                <strong>{hand.name}</strong>
                <span class="muted">
                  {hand.status === 'accepted' ? t('hands.speaking') : t('hands.raised', { ago: timeAgo(hand.raisedAt, now) })}
                </span>
              </div>
              <div class="hand-actions">
                {isWaiting(hand) && (
                  <button
                    type="button"
                    class="button-small tone-approve"
                    disabled={inFlight.has(hand.id)}
                    onClick={() => onAnswer(hand, 'accept')}
                  >
                    {t('hands.accept')}
                  </button>
                )}
                <button
                  type="button"
                  class="button-small tone-reject"
                  disabled={inFlight.has(hand.id)}
                  onClick={() => onAnswer(hand, 'lower')}
                >
                  {t(hand.status === 'accepted' ? 'hands.end' : 'hands.lower')}
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
