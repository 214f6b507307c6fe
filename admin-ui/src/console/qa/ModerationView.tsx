import { useEffect, useRef, useState } from 'preact/hooks';
import type { HandRecord, QuestionView } from '../../../../signaling/contract';
import { currentSession } from '../../lib/currentSession';
import { request } from '../../lib/signaling';
import { useNow } from '../../live/hooks';
import { byAge, byPriority, useSessionQa } from '../../live/useSessionQa';
import { formatRange, usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { StageTabs } from '../ui/StageTabs';
import { useAgenda } from '../useAgenda';
import { HandsQueue } from './HandsQueue';
import { COLUMNS, type ModerationAction, type QuestionColumn, commandFor, isTyping } from './moderationKeys';
import { sameNetworkCounts } from './moderatedFields';
import { QuestionCard } from './QuestionCard';

const COLUMN_TITLE: Record<QuestionColumn, string> = {
  pending: 'Pending',
  approved: 'Approved',
  answered: 'Answered',
  rejected: 'Rejected',
};
const COLUMN_HINT: Record<QuestionColumn, string> = {
  pending: 'Oldest first. Attendees do not see these yet.',
  approved: 'Shown to attendees: pinned, then most votes.',
  answered: 'Shown to attendees as answered.',
  rejected: 'Hidden from attendees.',
};

/** Moderators keep one session's Q&A clean: four live lists, one-click and keyboard moderation, the hands queue. */
export function ModerationView({ stageId, onStage }: { stageId: string | null; onStage: (id: string) => void }) {
  const { socket, event, stages, notify } = useConsole();
  const agenda = useAgenda();
  const now = useNow(15_000);
  const zone = usableZone(event?.timezone);
  // null: follow the stage's live (else next) session as the host moves on.
  const [chosenSessionId, setChosenSessionId] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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

  const act = async (question: QuestionView, action: ModerationAction): Promise<void> => {
    if (!session) return;
    // The question leaves its column: keep the selection where the eye is, on its neighbour.
    const column = columns[question.status];
    const index = column.findIndex((q) => q.id === question.id);
    const leaves = action === 'approve' || action === 'reject' || action === 'answer';
    if (leaves && question.id === selectedId) setSelectedId(column[index + 1]?.id ?? column[index - 1]?.id ?? null);
    setBusy(true);
    try {
      qa.apply(await request(socket, 'moderateQuestion', { sessionId: session.id, questionId: question.id, action }));
    } catch (error) {
      notify({ tone: 'error', text: `Could not ${action} the question: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const answerHand = async (hand: HandRecord, action: 'accept' | 'lower'): Promise<void> => {
    if (!session) return;
    setBusy(true);
    try {
      qa.applyHand(await request(socket, 'answerHand', { sessionId: session.id, handId: hand.id, action }));
      if (action === 'accept')
        notify({ tone: 'success', text: `${hand.name} may speak now: their camera can be put on air in Stage control.` });
    } catch (error) {
      notify({ tone: 'error', text: `Could not ${action} ${hand.name}'s hand: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  // The keyboard handler reads the latest state through a ref, so it is registered once.
  const keyState = useRef({ columns, selected, busy, act });
  keyState.current = { columns, selected, busy, act };
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const { columns: lists, selected: current, busy: working, act: perform } = keyState.current;
      const command = commandFor(event.key, current);
      if (!command) return;
      event.preventDefault();
      const columnIndex = current ? COLUMNS.indexOf(current.status) : 0;
      if (command.kind === 'act') {
        if (current && !working) void perform(current, command.action);
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
          <h1 id="qa-heading">Q&amp;A moderation</h1>
          <p class="muted">
            <span class="monitor-state" data-state={qa.subscribed ? 'live' : 'reconnecting'}>
              {qa.subscribed ? 'Live' : session ? 'Connecting…' : 'No session'}
            </span>
            {session && ` · ${all.length} question${all.length === 1 ? '' : 's'}`}
          </p>
        </div>
        <label class="field field-inline">
          <span>Session</span>
          <select
            id="qa-session"
            value={session?.id ?? ''}
            onChange={(e) => setChosenSessionId(e.currentTarget.value || null)}
            disabled={stageSessions.length === 0}
          >
            {stageSessions.length === 0 && <option value="">No session on this stage</option>}
            {stageSessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.status === 'live' ? '● LIVE · ' : s.status === 'done' ? 'Done · ' : ''}
                {formatRange(s.plannedStart, s.plannedEnd, zone)} {s.title}
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
      <p class="shortcuts" aria-label="Keyboard shortcuts">
        <kbd>J</kbd>/<kbd>K</kbd> move · <kbd>H</kbd>/<kbd>L</kbd> column · <kbd>A</kbd> approve · <kbd>R</kbd> reject · <kbd>P</kbd> pin ·{' '}
        <kbd>D</kbd> answered · <kbd>V</kbd> count held votes
      </p>
      {!session ? (
        <p class="empty">Schedule a session on this stage in the Agenda to collect questions.</p>
      ) : (
        <div class="qa-layout">
          {COLUMNS.map((column) => (
            <section key={column} class={`qa-column qa-${column}`} aria-labelledby={`qa-${column}-heading`} data-column={column}>
              <h2 id={`qa-${column}-heading`}>
                {COLUMN_TITLE[column]} <span class="count">{columns[column].length}</span>
              </h2>
              <p class="hint">{COLUMN_HINT[column]}</p>
              {columns[column].length === 0 && <p class="column-empty">{column === 'pending' ? 'Nothing waiting.' : 'None.'}</p>}
              <ul class="question-list">
                {columns[column].map((question) => (
                  <QuestionCard
                    key={question.id}
                    question={question}
                    fromSameNetwork={fromSameNetwork(question)}
                    selected={question.id === selectedId}
                    busy={busy}
                    now={now}
                    onSelect={() => setSelectedId(question.id)}
                    onAct={(action) => void act(question, action)}
                  />
                ))}
              </ul>
            </section>
          ))}
          <HandsQueue hands={qa.hands} busy={busy} now={now} onAnswer={(hand, action) => void answerHand(hand, action)} />
        </div>
      )}
    </section>
  );
}
