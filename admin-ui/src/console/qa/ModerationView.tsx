import { useEffect, useRef, useState } from 'preact/hooks';
import type { HandRecord, QuestionView } from '../../../../signaling/contract';
import { currentSession } from '../../lib/currentSession';
import { request } from '../../lib/signaling';
import { useNow } from '../../live/hooks';
import { byAge, byPriority, useSessionQa } from '../../live/useSessionQa';
import { localized } from '../../i18n/content';
import { consoleQa } from '../../i18n/messages/consoleQa';
import { useLocale } from '../../i18n/preact';
import { formatRange, usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { StageTabs } from '../ui/StageTabs';
import { useAgenda } from '../useAgenda';
import { HandsQueue } from './HandsQueue';
import { COLUMNS, type ModerationAction, type QuestionColumn, commandFor, isTyping } from './moderationKeys';
import { sameNetworkCounts } from './moderatedFields';
import { QuestionCard } from './QuestionCard';

const t = consoleQa.t;

/** Moderators keep one session's Q&A clean: four live lists, one-click and keyboard moderation, the hands queue. */
export function ModerationView({ stageId, onStage }: { stageId: string | null; onStage: (id: string) => void }) {
  useLocale();
  const { socket, event, stages, notify } = useConsole();
  const agenda = useAgenda();
  const now = useNow(15_000);
  const zone = usableZone(event?.timezone);
  // null: follow the stage's live (else next) session as the host moves on.
  const [chosenSessionId, setChosenSessionId] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Questions and hands with a request on its way: each is busy on its own, so a quick moderator
  // approving one question and then the next by keyboard is not ignored while the first is answered.
  const [inFlight, setInFlight] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setChosenSessionId(null), [stageId]);

  const stageSessions = agenda.items.filter((item) => item.stageId === stageId);
  const followed = currentSession(stageSessions, now);
  const session = stageSessions.find((s) => s.id === chosenSessionId) ?? followed;
  const qa = useSessionQa(socket, session?.id ?? null);

  const all = [...qa.questions.values()];
  const columns: Record<QuestionColumn, QuestionView[]> = {
    pending: all.filter((q) => q.status === 'pending').sort(byAge),
    approved: all.filter((q) => q.status === 'approved').sort(byPriority),
    answered: all.filter((q) => q.status === 'answered').sort(byPriority),
    rejected: all.filter((q) => q.status === 'rejected').sort(byAge),
  };
  const selected = selectedId ? (qa.questions.get(selectedId) ?? null) : null;
  const fromSameNetwork = sameNetworkCounts(all);

  const whileInFlight = async (id: string, work: () => Promise<void>): Promise<void> => {
    setInFlight((ids) => new Set(ids).add(id));
    try {
      await work();
    } finally {
      setInFlight((ids) => new Set([...ids].filter((other) => other !== id)));
    }
  };

  const act = async (question: QuestionView, action: ModerationAction): Promise<void> => {
    if (!session || inFlight.has(question.id)) return;
    // The question leaves its column: keep the selection where the eye is, on its neighbour.
    const column = columns[question.status];
    const index = column.findIndex((q) => q.id === question.id);
    const leaves = action === 'approve' || action === 'reject' || action === 'answer';
    if (leaves && question.id === selectedId) setSelectedId(column[index + 1]?.id ?? column[index - 1]?.id ?? null);
    await whileInFlight(question.id, async () => {
      try {
        qa.apply(await request(socket, 'moderateQuestion', { sessionId: session.id, questionId: question.id, action }));
      } catch (error) {
        notify({ tone: 'error', text: t(`failed.${action}`, { error: errorText(error) }) });
      }
    });
  };

  const answerHand = async (hand: HandRecord, action: 'accept' | 'lower'): Promise<void> => {
    if (!session || inFlight.has(hand.id)) return;
    await whileInFlight(hand.id, async () => {
      try {
        qa.applyHand(await request(socket, 'answerHand', { sessionId: session.id, handId: hand.id, action }));
        if (action === 'accept') notify({ tone: 'success', text: t('hands.accepted', { name: hand.name }) });
      } catch (error) {
        notify({
          tone: 'error',
          text: t(action === 'accept' ? 'hands.acceptFailed' : 'hands.lowerFailed', { name: hand.name, error: errorText(error) }),
        });
      }
    });
  };

  // The keyboard handler reads the latest state through a ref, so it is registered once.
  const keyState = useRef({ columns, selected, act });
  keyState.current = { columns, selected, act };
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const { columns: lists, selected: current, act: perform } = keyState.current;
      const command = commandFor(event.key, current);
      if (!command) return;
      event.preventDefault();
      const columnIndex = current ? COLUMNS.indexOf(current.status) : 0;
      if (command.kind === 'act') {
        if (current) void perform(current, command.action);
      } else if (command.kind === 'move') {
        const list = lists[COLUMNS[columnIndex]];
        const at = current ? list.findIndex((q) => q.id === current.id) : -1;
        const next = list[Math.max(0, Math.min(list.length - 1, at + command.rows))];
        if (next) setSelectedId(next.id);
      } else {
        // The nearest column in that direction that has a question; empty ones are skipped.
        for (let index = columnIndex + command.columns; index >= 0 && index < COLUMNS.length; index += command.columns) {
          const first = lists[COLUMNS[index]][0];
          if (first) {
            setSelectedId(first.id);
            break;
          }
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Nothing selected yet: the oldest pending question, so the keyboard works at once.
  useEffect(() => {
    if (!selected && columns.pending[0]) setSelectedId(columns.pending[0].id);
  }, [selected, columns.pending[0]?.id]);

  return (
    <section class="view qa-view" aria-labelledby="qa-heading">
      <StageTabs stages={stages} current={stageId} onSelect={onStage} />
      <header class="view-head">
        <div>
          <h1 id="qa-heading">{t('heading')}</h1>
          <p class="muted">
            <span class="monitor-state" data-state={qa.subscribed ? 'live' : 'reconnecting'}>
              {t(qa.subscribed ? 'state.live' : session ? 'state.connecting' : 'state.noSession')}
            </span>
            {session && ` · ${t('questions', { count: all.length })}`}
          </p>
        </div>
        <label class="field field-inline">
          <span>{t('session.label')}</span>
          <select
            id="qa-session"
            value={session?.id ?? ''}
            onChange={(e) => setChosenSessionId(e.currentTarget.value || null)}
            disabled={stageSessions.length === 0}
          >
            {stageSessions.length === 0 && <option value="">{t('session.none')}</option>}
            {stageSessions.map((s) => (
              <option key={s.id} value={s.id}>
                {t(`session.${s.status}`, { range: formatRange(s.plannedStart, s.plannedEnd, zone), title: localized(s, 'title') })}
              </option>
            ))}
          </select>
        </label>
      </header>
      {qa.error && (
        <p class="form-error" role="alert">
          {qa.error}
        </p>
      )}
      <p class="shortcuts" aria-label={t('keys.label')}>
        <kbd>J</kbd>/<kbd>K</kbd> {t('keys.move')} · <kbd>H</kbd>/<kbd>L</kbd> {t('keys.column')} · <kbd>A</kbd> {t('keys.approve')} ·{' '}
        <kbd>R</kbd> {t('keys.reject')} · <kbd>P</kbd> {t('keys.pin')} · <kbd>D</kbd> {t('keys.answered')} · <kbd>V</kbd>{' '}
        {t('keys.countHeld')}
      </p>
      {!session ? (
        <p class="empty">{t('noSession')}</p>
      ) : (
        <div class="qa-layout">
          {COLUMNS.map((column) => (
            <section key={column} class={`qa-column qa-${column}`} aria-labelledby={`qa-${column}-heading`} data-column={column}>
              <h2 id={`qa-${column}-heading`}>
                {t(`column.${column}`)} <span class="count">{columns[column].length}</span>
              </h2>
              <p class="hint">{t(`hint.${column}`)}</p>
              {columns[column].length === 0 && <p class="column-empty">{t(column === 'pending' ? 'empty.pending' : 'empty.other')}</p>}
              <ul class="question-list">
                {columns[column].map((question) => (
                  <QuestionCard
                    key={question.id}
                    question={question}
                    fromSameNetwork={fromSameNetwork(question)}
                    selected={question.id === selectedId}
                    busy={inFlight.has(question.id)}
                    now={now}
                    onSelect={() => setSelectedId(question.id)}
                    onAct={(action) => void act(question, action)}
                  />
                ))}
              </ul>
            </section>
          ))}
          <HandsQueue hands={qa.hands} inFlight={inFlight} now={now} onAnswer={(hand, action) => void answerHand(hand, action)} />
        </div>
      )}
    </section>
  );
}
