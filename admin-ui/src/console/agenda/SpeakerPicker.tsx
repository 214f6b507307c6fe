import { ChipList } from './ChipList';
import { useState } from 'preact/hooks';
import type { SpeakerRecord } from '../../../../signaling/contract';
import { ApiError, eventPath } from '../../lib/api';
import { useConsole } from '../context';

interface SpeakerPickerProps {
  speakers: SpeakerRecord[];
  selected: string[];
  onChange: (ids: string[]) => void;
  /** A speaker was created here; the agenda reloads its list. */
  onCreated: (speaker: SpeakerRecord) => void;
}

/** The session's speakers in order (the first one is the lower-third's default), plus "add" and "new speaker". */
export function SpeakerPicker({ speakers, selected, onChange, onCreated }: SpeakerPickerProps) {
  const byId = new Map(speakers.map((s) => [s.id, s]));
  const available = speakers.filter((s) => !selected.includes(s.id));
  const [creating, setCreating] = useState(false);
  return (
    <div class="picker" id="session-speakers">
      {selected.length === 0 && <p class="muted picker-empty">No speaker yet.</p>}
      <ChipList
        chips={selected.map((id, index) => {
          const speaker = byId.get(id);
          const note = index === 0 && selected.length > 1 ? '(lower-third default)' : undefined;
          return { id, label: speaker ? speaker.name : 'Unknown speaker', detail: speaker?.organisation, note };
        })}
        removeLabel={(chip) => `Remove ${chip.label}`}
        onRemove={(id) => onChange(selected.filter((s) => s !== id))}
      />
      <div class="picker-actions">
        <select
          aria-label="Add a speaker"
          value=""
          disabled={available.length === 0}
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id) onChange([...selected, id]);
          }}
        >
          <option value="">{available.length === 0 ? 'No other speakers' : 'Add a speaker…'}</option>
          {available.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.organisation ? ` — ${s.organisation}` : ''}
            </option>
          ))}
        </select>
        {!creating && (
          <button type="button" class="button-quiet" onClick={() => setCreating(true)}>
            New speaker…
          </button>
        )}
      </div>
      {creating && (
        <NewSpeakerForm
          onCancel={() => setCreating(false)}
          onCreated={(speaker) => {
            setCreating(false);
            onCreated(speaker);
            onChange([...selected, speaker.id]);
          }}
        />
      )}
    </div>
  );
}

function NewSpeakerForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (speaker: SpeakerRecord) => void }) {
  const { api, identity } = useConsole();
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [presence, setPresence] = useState<SpeakerRecord['presence']>('on-site');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      onCreated(
        await api.post<SpeakerRecord>(eventPath(identity.eventId, 'speakers'), {
          name: name.trim(),
          title: title.trim(),
          organisation: organisation.trim(),
          presence,
        }),
      );
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
  // Not a <form>: it sits inside the session form, and forms do not nest.
  return (
    <div class="subform" role="group" aria-label="New speaker">
      <label class="field">
        <span>Name</span>
        <input id="new-speaker-name" value={name} maxLength={120} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>Title</span>
          <input value={title} maxLength={120} placeholder="Professor" onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Organisation</span>
          <input value={organisation} maxLength={200} onInput={(e) => setOrganisation(e.currentTarget.value)} />
        </label>
      </div>
      <label class="field">
        <span>Presence</span>
        <select value={presence} onChange={(e) => setPresence(e.currentTarget.value === 'remote' ? 'remote' : 'on-site')}>
          <option value="on-site">On site</option>
          <option value="remote">Remote</option>
        </select>
      </label>
      {error && <p class="form-error">{error}</p>}
      <div class="form-actions">
        <button type="button" class="button-primary" disabled={busy || name.trim() === ''} onClick={() => void create()}>
          Add speaker
        </button>
        <button type="button" class="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
