import { useEffect, useRef, useState } from 'preact/hooks';
import type { AchievementRecord, SessionRecord, SpeakerRecord, StageRecord } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { sessionKindLabel, SESSION_KINDS, isSessionKind } from '../../lib/sessionKinds';
import { useConsole } from '../context';
import { AchievementPicker } from './AchievementPicker';
import { type DraftField, type SessionDraft, draftFieldOf, localProblems, saveDraft } from './sessionDraft';
import { SpeakerPicker } from './SpeakerPicker';
import { formatDay, formatRange, wallClock } from '../../lib/zonedTime';

interface SessionEditorProps {
  initial: SessionDraft;
  /** The stored session's status; live sessions cannot be deleted. */
  status: SessionRecord['status'] | null;
  stages: StageRecord[];
  speakers: SpeakerRecord[];
  achievements: AchievementRecord[];
  zone: string;
  onClose: () => void;
  onSaved(session: SessionRecord): void;
  onDeleted(): void;
  /** The last save overlapped this session (null clears the mark). */
  onConflict(session: SessionRecord | null): void;
  /** Something was created here (speaker, achievement): reload the lists. */
  onListsChanged: () => void;
}

type Problems = Partial<Record<DraftField, string>>;

/** Create or edit one session: a side panel next to the timeline, so the day stays in view. */
export function SessionEditor(props: SessionEditorProps) {
  const { api, identity, notify } = useConsole();
  const [draft, setDraft] = useState(props.initial);
  const [problems, setProblems] = useState<Problems>({});
  const [conflict, setConflict] = useState<SessionRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const titleInput = useRef<HTMLInputElement>(null);
  const { zone, stages } = props;

  useEffect(() => titleInput.current?.focus(), []);

  const update = (patch: Partial<SessionDraft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
    setConfirmDelete(false);
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    const local = localProblems(draft, zone);
    setProblems(local);
    setConflict(null);
    setError(null);
    props.onConflict(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const session = await saveDraft(api, identity.eventId, zone, draft, props.achievements, (stored) =>
        setDraft((d) => ({ ...d, id: stored.id })),
      );
      notify({ tone: 'success', text: `${draft.id ? 'Saved' : 'Scheduled'} “${session.title}”.` });
      props.onSaved(session);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const showFailure = (failure: unknown): void => {
    if (!(failure instanceof ApiError)) {
      setError(String(failure));
      return;
    }
    const fieldProblems: Problems = {};
    const unplaced: string[] = [];
    for (const { field, problems: list } of failure.fieldProblems) {
      const formField = draftFieldOf(field);
      if (formField) fieldProblems[formField] = list.join('; ');
      else unplaced.push(`${field}: ${list.join('; ')}`);
    }
    setProblems(fieldProblems);
    const overlapped = failure.conflictingSession;
    setConflict(overlapped);
    props.onConflict(overlapped);
    // The message says it all unless every problem sits next to its field.
    if (overlapped === null && (Object.keys(fieldProblems).length === 0 || unplaced.length > 0))
      setError([failure.message, ...unplaced].join(' — '));
  };

  const remove = async (): Promise<void> => {
    if (!draft.id) return;
    setBusy(true);
    try {
      await api.delete(eventPath(identity.eventId, 'sessions', draft.id));
      notify({ tone: 'success', text: `Deleted “${draft.title}”.` });
      props.onDeleted();
    } catch (failure) {
      setConfirmDelete(false);
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const stageName = (id: string): string => stages.find((s) => s.id === id)?.name ?? id;
  const fieldError = (field: DraftField) =>
    problems[field] && (
      <span class="field-error" id={`error-${field}`} role="alert">
        {problems[field]}
      </span>
    );
  const invalid = (field: DraftField): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } =>
    problems[field] ? { 'aria-invalid': 'true', 'aria-describedby': `error-${field}` } : {};

  return (
    <aside class="drawer" aria-label={draft.id ? 'Edit session' : 'New session'}>
      <form class="session-form" onSubmit={(e) => void save(e)} onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
        <header class="drawer-head">
          <h2>{draft.id ? 'Edit session' : 'New session'}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </header>

        {conflict && (
          <div class="form-conflict" role="alert">
            <strong>Overlaps “{conflict.title}”</strong>
            <span>
              {formatRange(conflict.plannedStart, conflict.plannedEnd, zone)} on {stageName(conflict.stageId)} (
              {formatDay(wallClock(conflict.plannedStart, zone).date)}). Pick another time or stage; the other session is outlined on the
              timeline.
            </span>
          </div>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}

        <label class="field">
          <span>Title</span>
          <input
            id="session-title"
            ref={titleInput}
            value={draft.title}
            maxLength={200}
            onInput={(e) => update({ title: e.currentTarget.value })}
            {...invalid('title')}
          />
          {fieldError('title')}
        </label>
        <div class="field-row">
          <label class="field">
            <span>Kind</span>
            <select
              id="session-kind"
              value={draft.kind}
              onChange={(e) => isSessionKind(e.currentTarget.value) && update({ kind: e.currentTarget.value })}
              {...invalid('kind')}
            >
              {SESSION_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {sessionKindLabel(kind)}
                </option>
              ))}
            </select>
            {fieldError('kind')}
          </label>
          <label class="field">
            <span>Stage</span>
            <select
              id="session-stage"
              value={draft.stageId}
              onChange={(e) => update({ stageId: e.currentTarget.value })}
              {...invalid('stageId')}
            >
              {stages.map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.name}
                </option>
              ))}
            </select>
            {fieldError('stageId')}
          </label>
        </div>
        <label class="field">
          <span>Day</span>
          <input id="session-date" type="date" value={draft.date} required onInput={(e) => update({ date: e.currentTarget.value })} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>Starts</span>
            <input
              id="session-start"
              type="time"
              step={300}
              value={draft.start}
              required
              onInput={(e) => update({ start: e.currentTarget.value })}
              {...invalid('start')}
            />
            {fieldError('start')}
          </label>
          <label class="field">
            <span>Ends</span>
            <input
              id="session-end"
              type="time"
              step={300}
              value={draft.end}
              required
              onInput={(e) => update({ end: e.currentTarget.value })}
              {...invalid('end')}
            />
            {fieldError('end')}
          </label>
        </div>
        <p class="hint">Times are in the event's time zone ({zone}).</p>

        <fieldset class="field">
          <legend>Speakers</legend>
          <SpeakerPicker
            speakers={props.speakers}
            selected={draft.speakerIds}
            onChange={(speakerIds) => update({ speakerIds })}
            onCreated={props.onListsChanged}
          />
          {fieldError('speakerIds')}
        </fieldset>

        {draft.kind === 'achievement-release' ? (
          <fieldset class="field">
            <legend>Achievements presented</legend>
            <AchievementPicker
              achievements={props.achievements}
              sessionId={draft.id}
              selected={draft.achievementIds}
              onChange={(achievementIds) => update({ achievementIds })}
              onCreated={props.onListsChanged}
            />
            {fieldError('achievementIds')}
          </fieldset>
        ) : (
          draft.achievementIds.length > 0 && (
            <p class="hint">
              Saving as {sessionKindLabel(draft.kind).toLowerCase()} detaches its {draft.achievementIds.length} achievement(s).
            </p>
          )
        )}

        <footer class="drawer-actions">
          <button type="submit" id="session-save" class="button-primary" disabled={busy}>
            {busy ? 'Saving…' : draft.id ? 'Save changes' : 'Schedule session'}
          </button>
          <button type="button" class="button-quiet" onClick={props.onClose}>
            Cancel
          </button>
          <span class="spacer" />
          {draft.id &&
            (props.status === 'live' ? (
              <span class="hint">Live now: end it in Stage control to delete it.</span>
            ) : confirmDelete ? (
              <span class="confirm">
                Delete for good?
                <button type="button" class="button-danger" disabled={busy} onClick={() => void remove()}>
                  Delete
                </button>
                <button type="button" class="button-quiet" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" class="button-danger-quiet" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
        </footer>
      </form>
    </aside>
  );
}
