import { ChipList } from './ChipList';
import { useState } from 'preact/hooks';
import type { SpeakerRecord } from '../../../../signaling/contract';
import { compareNames, nameMatches } from '../../i18n/format';
import { consoleText } from '../../i18n/messages/console';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { formErrorText } from '../errorText';

const t = consoleAgenda.t;

interface SpeakerPickerProps {
  speakers: SpeakerRecord[];
  selected: string[];
  onChange: (ids: string[]) => void;
  /** A speaker was created here; the agenda reloads its list. */
  onCreated: (speaker: SpeakerRecord) => void;
}

/**
 * The speakers not yet picked that match the search, in the order of the page's language (Chinese
 * names by pinyin): a fair has hundreds, and a list in entry order is no help in finding one.
 */
export function speakerChoices(speakers: readonly SpeakerRecord[], selected: readonly string[], query: string): SpeakerRecord[] {
  return speakers
    .filter((s) => !selected.includes(s.id) && (nameMatches(s.name, query) || nameMatches(s.organisation, query)))
    .sort((a, b) => compareNames(a.name, b.name) || compareNames(a.organisation, b.organisation));
}

/** The session's speakers in order (the first one is the lower-third's default), plus "add" and "new speaker". */
export function SpeakerPicker({ speakers, selected, onChange, onCreated }: SpeakerPickerProps) {
  const byId = new Map(speakers.map((s) => [s.id, s]));
  const [query, setQuery] = useState('');
  const unpicked = speakers.filter((s) => !selected.includes(s.id));
  const available = speakerChoices(speakers, selected, query);
  const [creating, setCreating] = useState(false);
  return (
    <div class="picker" id="session-speakers">
      {selected.length === 0 && <p class="muted picker-empty">{t('speakers.none')}</p>}
      <ChipList
        chips={selected.map((id, index) => {
          const speaker = byId.get(id);
          const note = index === 0 && selected.length > 1 ? t('speakers.lowerThirdDefault') : undefined;
          return { id, label: speaker ? speaker.name : t('speakers.unknown'), detail: speaker?.organisation, note };
        })}
        removeLabel={(chip) => t('speakers.remove', { name: chip.label })}
        onRemove={(id) => onChange(selected.filter((s) => s !== id))}
      />
      <div class="picker-actions">
        {/* A short list is quicker to scan than to search; a long one needs the search. */}
        {unpicked.length > 8 && (
          <input
            type="search"
            class="picker-search"
            aria-label={t('speakers.search')}
            placeholder={t('speakers.searchPlaceholder')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        )}
        <select
          aria-label={t('speakers.add')}
          value=""
          disabled={available.length === 0}
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id) onChange([...selected, id]);
          }}
        >
          <option value="">
            {available.length > 0 ? t('speakers.addPrompt') : t(unpicked.length === 0 ? 'speakers.noOther' : 'speakers.noMatch')}
          </option>
          {available.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.organisation ? ` — ${s.organisation}` : ''}
            </option>
          ))}
        </select>
        {!creating && (
          <button type="button" class="button-quiet" onClick={() => setCreating(true)}>
            {t('speakers.newButton')}
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
  const [error, setError] = useState<{ failure: unknown } | null>(null);
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
      setError({ failure });
    } finally {
      setBusy(false);
    }
  };
  // Not a <form>: it sits inside the session form, and forms do not nest.
  return (
    <div class="subform" role="group" aria-label={t('speaker.group')}>
      <label class="field">
        <span>{t('speaker.name')}</span>
        <input id="new-speaker-name" value={name} maxLength={120} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>{t('speaker.title')}</span>
          <input value={title} maxLength={120} placeholder={t('speaker.titleExample')} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('speaker.organisation')}</span>
          <input value={organisation} maxLength={200} onInput={(e) => setOrganisation(e.currentTarget.value)} />
        </label>
      </div>
      <label class="field">
        <span>{t('speaker.presence')}</span>
        <select value={presence} onChange={(e) => setPresence(e.currentTarget.value === 'remote' ? 'remote' : 'on-site')}>
          <option value="on-site">{t('speaker.onSite')}</option>
          <option value="remote">{t('speaker.remote')}</option>
        </select>
      </label>
      {error && <p class="form-error">{formErrorText(error.failure)}</p>}
      <div class="form-actions">
        <button type="button" class="button-primary" disabled={busy || name.trim() === ''} onClick={() => void create()}>
          {t('speaker.create')}
        </button>
        <button type="button" class="button-quiet" onClick={onCancel}>
          {consoleText.t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
