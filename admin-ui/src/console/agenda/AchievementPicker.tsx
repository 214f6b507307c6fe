import { ChipList } from './ChipList';
import { useState } from 'preact/hooks';
import type { AchievementRecord } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';

interface AchievementPickerProps {
  achievements: AchievementRecord[];
  /** The session being edited (null while it is being created). */
  sessionId: string | null;
  selected: string[];
  onChange: (ids: string[]) => void;
  onCreated: (achievement: AchievementRecord) => void;
}

/**
 * The research results an achievement-release session presents. Attaching happens when the session
 * is saved; an achievement attached to another session is listed with that note (choosing it moves it).
 */
export function AchievementPicker({ achievements, sessionId, selected, onChange, onCreated }: AchievementPickerProps) {
  const byId = new Map(achievements.map((a) => [a.id, a]));
  const available = achievements.filter((a) => !selected.includes(a.id));
  const [creating, setCreating] = useState(false);
  return (
    <div class="picker" id="session-achievements">
      {selected.length === 0 && <p class="muted picker-empty">No achievement attached.</p>}
      <ChipList
        chips={selected.map((id) => {
          const achievement = byId.get(id);
          return { id, label: achievement?.title ?? 'Unknown achievement', detail: achievement?.institution };
        })}
        removeLabel={(chip) => `Detach ${chip.label}`}
        onRemove={(id) => onChange(selected.filter((a) => a !== id))}
      />
      <div class="picker-actions">
        <select
          aria-label="Attach an achievement"
          value=""
          disabled={available.length === 0}
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id) onChange([...selected, id]);
          }}
        >
          <option value="">{available.length === 0 ? 'No other achievements' : 'Attach an achievement…'}</option>
          {available.map((a) => (
            <option key={a.id} value={a.id}>
              {a.title} — {a.institution}
              {a.sessionId && a.sessionId !== sessionId ? ' (moves from another session)' : ''}
            </option>
          ))}
        </select>
        {!creating && (
          <button type="button" class="button-quiet" onClick={() => setCreating(true)}>
            New achievement…
          </button>
        )}
      </div>
      {creating && (
        <NewAchievementForm
          onCancel={() => setCreating(false)}
          onCreated={(achievement) => {
            setCreating(false);
            onCreated(achievement);
            onChange([...selected, achievement.id]);
          }}
        />
      )}
    </div>
  );
}

function NewAchievementForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (achievement: AchievementRecord) => void }) {
  const { api, identity } = useConsole();
  const [fields, setFields] = useState({ title: '', institution: '', field: '', summary: '', contact: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    setFields({ ...fields, [name]: e.currentTarget.value });
  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      // Created unattached; saving the session attaches it (the session may not exist yet).
      const body = {
        title: fields.title.trim(),
        institution: fields.institution.trim(),
        field: fields.field.trim(),
        summary: fields.summary.trim(),
        contact: fields.contact.trim(),
        sessionId: null,
      };
      onCreated(await api.post<AchievementRecord>(eventPath(identity.eventId, 'achievements'), body));
    } catch (failure) {
      setError(
        failure instanceof ApiError
          ? [failure.message, ...failure.fieldProblems.map((p) => `${p.field}: ${p.problems.join(', ')}`)].join(' — ')
          : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };
  const complete = fields.title.trim() && fields.institution.trim() && fields.field.trim();
  return (
    <div class="subform" role="group" aria-label="New achievement">
      <label class="field">
        <span>Title</span>
        <input value={fields.title} maxLength={200} onInput={set('title')} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>Institution</span>
          <input value={fields.institution} maxLength={200} onInput={set('institution')} />
        </label>
        <label class="field">
          <span>Field</span>
          <input value={fields.field} maxLength={120} placeholder="Materials science" onInput={set('field')} />
        </label>
      </div>
      <label class="field">
        <span>Summary</span>
        <textarea rows={3} value={fields.summary} maxLength={4000} onInput={set('summary')} />
      </label>
      <label class="field">
        <span>Contact</span>
        <input value={fields.contact} maxLength={200} placeholder="tech-transfer@university.example" onInput={set('contact')} />
      </label>
      {error && <p class="form-error">{error}</p>}
      <div class="form-actions">
        <button type="button" class="button-primary" disabled={busy || !complete} onClick={() => void create()}>
          Add achievement
        </button>
        <button type="button" class="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
