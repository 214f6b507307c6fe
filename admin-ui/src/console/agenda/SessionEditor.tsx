import { useEffect, useRef, useState } from 'preact/hooks';
import type { AchievementRecord, SessionRecord, SpeakerRecord, StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleText } from '../../i18n/messages/console';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { useLocale } from '../../i18n/preact';
import { ApiError, eventPath } from '../../lib/api';
import { sessionKindLabel, SESSION_KINDS, isSessionKind } from '../../lib/sessionKinds';
import { useConsole } from '../context';
import { errorText } from '../errorText';
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

/** Each field's problem, worded when shown (the server's own words, or a local check's message). */
type Problems = Partial<Record<DraftField, () => string>>;

const t = consoleAgenda.t;

/** Create or edit one session: a side panel next to the timeline, so the day stays in view. */
export function SessionEditor(props: SessionEditorProps) {
  useLocale();
  const { api, identity, notify } = useConsole();
  const [draft, setDraft] = useState(props.initial);
  const [problems, setProblems] = useState<Problems>({});
  const [conflict, setConflict] = useState<SessionRecord | null>(null);
  const [error, setError] = useState<{ failure: unknown; unplaced: string[] } | null>(null);
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
    const worded: Problems = {};
    for (const [field, key] of Object.entries(local) as [DraftField, (typeof local)[DraftField]][]) if (key) worded[field] = () => t(key);
    setProblems(worded);
    setConflict(null);
    setError(null);
    props.onConflict(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const session = await saveDraft(api, identity.eventId, zone, draft, props.achievements, (stored) =>
        setDraft((d) => ({ ...d, id: stored.id })),
      );
      notify({ tone: 'success', text: t(draft.id ? 'editor.saved' : 'editor.scheduled', { title: localized(session, 'title') }) });
      props.onSaved(session);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const showFailure = (failure: unknown): void => {
    if (!(failure instanceof ApiError)) {
      setError({ failure, unplaced: [] });
      return;
    }
    const fieldProblems: Problems = {};
    const unplaced: string[] = [];
    for (const { field, problems: list } of failure.fieldProblems) {
      const formField = draftFieldOf(field);
      if (formField) fieldProblems[formField] = () => list.join('; ');
      else unplaced.push(`${field}: ${list.join('; ')}`);
    }
    setProblems(fieldProblems);
    const overlapped = failure.conflictingSession;
    setConflict(overlapped);
    props.onConflict(overlapped);
    // The message says it all unless every problem sits next to its field.
    if (overlapped === null && (Object.keys(fieldProblems).length === 0 || unplaced.length > 0)) setError({ failure, unplaced });
  };

  const remove = async (): Promise<void> => {
    if (!draft.id) return;
    setBusy(true);
    try {
      await api.delete(eventPath(identity.eventId, 'sessions', draft.id));
      notify({ tone: 'success', text: t('editor.deleted', { title: draft.title }) });
      props.onDeleted();
    } catch (failure) {
      setConfirmDelete(false);
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const stageName = (id: string): string => {
    const stage = stages.find((s) => s.id === id);
    return stage ? localized(stage, 'name') : id;
  };
  const fieldError = (field: DraftField) =>
    problems[field] && (
      <span class="field-error" id={`error-${field}`} role="alert">
        {problems[field]?.()}
      </span>
    );
  const invalid = (field: DraftField): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } =>
    problems[field] ? { 'aria-invalid': 'true', 'aria-describedby': `error-${field}` } : {};

  return (
    <aside class="drawer" aria-label={t(draft.id ? 'editor.edit' : 'editor.new')}>
      <form class="session-form" onSubmit={(e) => void save(e)} onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
        <header class="drawer-head">
          <h2>{t(draft.id ? 'editor.edit' : 'editor.new')}</h2>
          <button type="button" class="icon-button" aria-label={t('editor.close')} onClick={props.onClose}>
            ×
          </button>
        </header>

        {conflict && (
          <div class="form-conflict" role="alert">
            <strong>{t('editor.overlaps', { title: localized(conflict, 'title') })}</strong>
            <span>
              {t('editor.overlapDetail', {
                range: formatRange(conflict.plannedStart, conflict.plannedEnd, zone),
                stage: stageName(conflict.stageId),
                day: formatDay(wallClock(conflict.plannedStart, zone).date),
              })}
            </span>
          </div>
        )}
        {error && (
          <p class="form-error" role="alert">
            {errorText(error.failure, error.unplaced)}
          </p>
        )}

        <label class="field">
          <span>{t('field.title')}</span>
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
            <span>{t('field.titleZh')}</span>
            <input
              id="session-title-zh"
              lang="zh-CN"
              value={draft.titles['zh-CN']}
              maxLength={200}
              onInput={(e) => update({ titles: { ...draft.titles, 'zh-CN': e.currentTarget.value } })}
              {...invalid('titles')}
            />
          </label>
          <label class="field">
            <span>{t('field.titleEn')}</span>
            <input
              id="session-title-en"
              lang="en"
              value={draft.titles.en}
              maxLength={200}
              onInput={(e) => update({ titles: { ...draft.titles, en: e.currentTarget.value } })}
              {...invalid('titles')}
            />
          </label>
        </div>
        {fieldError('titles')}
        <p class="hint">{t('field.titleLanguagesHint')}</p>
        <div class="field-row">
          <label class="field">
            <span>{t('field.kind')}</span>
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
            <span>{t('field.stage')}</span>
            <select
              id="session-stage"
              value={draft.stageId}
              onChange={(e) => update({ stageId: e.currentTarget.value })}
              {...invalid('stageId')}
            >
              {stages.map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {localized(stage, 'name')}
                </option>
              ))}
            </select>
            {fieldError('stageId')}
          </label>
        </div>
        <label class="field">
          <span>{t('field.day')}</span>
          <input id="session-date" type="date" value={draft.date} required onInput={(e) => update({ date: e.currentTarget.value })} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>{t('field.starts')}</span>
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
            <span>{t('field.ends')}</span>
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
        <p class="hint">{t('editor.zoneHint', { zone })}</p>

        <fieldset class="field">
          <legend>{t('field.speakers')}</legend>
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
            <legend>{t('field.achievements')}</legend>
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
            <p class="hint">{t('editor.detaches', { kind: sessionKindLabel(draft.kind), count: draft.achievementIds.length })}</p>
          )
        )}

        <footer class="drawer-actions">
          <button type="submit" id="session-save" class="button-primary" disabled={busy}>
            {t(busy ? 'editor.saving' : draft.id ? 'editor.save' : 'editor.schedule')}
          </button>
          <button type="button" class="button-quiet" onClick={props.onClose}>
            {consoleText.t('common.cancel')}
          </button>
          <span class="spacer" />
          {draft.id &&
            (props.status === 'live' ? (
              <span class="hint">{t('editor.liveNoDelete')}</span>
            ) : confirmDelete ? (
              <span class="confirm">
                {t('editor.confirmDelete')}
                <button type="button" class="button-danger" disabled={busy} onClick={() => void remove()}>
                  {consoleText.t('common.delete')}
                </button>
                <button type="button" class="button-quiet" onClick={() => setConfirmDelete(false)}>
                  {t('editor.keep')}
                </button>
              </span>
            ) : (
              <button type="button" class="button-danger-quiet" onClick={() => setConfirmDelete(true)}>
                {t('editor.deleteAsk')}
              </button>
            ))}
        </footer>
      </form>
    </aside>
  );
}
