import { ChipList } from './ChipList';
import { useState } from 'preact/hooks';
import type { AchievementRecord, ContentLocale } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { compareNames, nameMatches } from '../../i18n/format';
import { consoleText } from '../../i18n/messages/console';
import { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { formErrorText } from '../errorText';
import { translationsOf } from './sessionDraft';

const t = consoleAgenda.t;

/** An example address: what the field wants, not text to translate. */
const CONTACT_EXAMPLE = 'tech-transfer@university.example';

interface AchievementPickerProps {
  achievements: AchievementRecord[];
  /** The session being edited (null while it is being created). */
  sessionId: string | null;
  selected: string[];
  onChange: (ids: string[]) => void;
  onCreated: (achievement: AchievementRecord) => void;
}

/** Achievements not yet attached that match the search (title in either language, institution), by title. */
function achievementChoices(achievements: readonly AchievementRecord[], selected: readonly string[], query: string): AchievementRecord[] {
  const matches = (a: AchievementRecord): boolean =>
    nameMatches(localized(a, 'title'), query) || nameMatches(a.title, query) || nameMatches(a.institution, query);
  return achievements
    .filter((a) => !selected.includes(a.id) && matches(a))
    .sort((a, b) => compareNames(localized(a, 'title'), localized(b, 'title')));
}

/**
 * The research results an achievement-release session presents. Attaching happens when the session
 * is saved; an achievement attached to another session is listed with that note (choosing it moves it).
 */
export function AchievementPicker({ achievements, sessionId, selected, onChange, onCreated }: AchievementPickerProps) {
  const byId = new Map(achievements.map((a) => [a.id, a]));
  const [query, setQuery] = useState('');
  const unpicked = achievements.filter((a) => !selected.includes(a.id));
  const available = achievementChoices(achievements, selected, query);
  const [creating, setCreating] = useState(false);
  return (
    <div class="picker" id="session-achievements">
      {selected.length === 0 && <p class="muted picker-empty">{t('achievements.none')}</p>}
      <ChipList
        chips={selected.map((id) => {
          const achievement = byId.get(id);
          return { id, label: achievement ? localized(achievement, 'title') : t('achievements.unknown'), detail: achievement?.institution };
        })}
        removeLabel={(chip) => t('achievements.detach', { title: chip.label })}
        onRemove={(id) => onChange(selected.filter((a) => a !== id))}
      />
      <div class="picker-actions">
        {/* A short list is quicker to scan than to search; a long one needs the search. */}
        {unpicked.length > 8 && (
          <input
            type="search"
            class="picker-search"
            aria-label={t('achievements.search')}
            placeholder={t('speakers.searchPlaceholder')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        )}
        <select
          aria-label={t('achievements.attach')}
          value=""
          disabled={available.length === 0}
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id) onChange([...selected, id]);
          }}
        >
          <option value="">
            {available.length > 0
              ? t('achievements.attachPrompt')
              : t(unpicked.length === 0 ? 'achievements.noOther' : 'achievements.noMatch')}
          </option>
          {available.map((a) => (
            <option key={a.id} value={a.id}>
              {localized(a, 'title')} — {a.institution}
              {a.sessionId && a.sessionId !== sessionId ? ` ${t('achievements.moves')}` : ''}
            </option>
          ))}
        </select>
        {!creating && (
          <button type="button" class="button-quiet" onClick={() => setCreating(true)}>
            {t('achievements.newButton')}
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
  const [titles, setTitles] = useState<Record<ContentLocale, string>>({ 'zh-CN': '', en: '' });
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    setFields({ ...fields, [name]: e.currentTarget.value });
  const setTitle = (locale: ContentLocale) => (e: { currentTarget: HTMLInputElement }) =>
    setTitles({ ...titles, [locale]: e.currentTarget.value });
  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      // Created unattached; saving the session attaches it (the session may not exist yet).
      const body = {
        title: fields.title.trim(),
        translations: translationsOf(titles),
        institution: fields.institution.trim(),
        field: fields.field.trim(),
        summary: fields.summary.trim(),
        contact: fields.contact.trim(),
        sessionId: null,
      };
      onCreated(await api.post<AchievementRecord>(eventPath(identity.eventId, 'achievements'), body));
    } catch (failure) {
      setError({ failure });
    } finally {
      setBusy(false);
    }
  };
  const complete = fields.title.trim() && fields.institution.trim() && fields.field.trim();
  return (
    <div class="subform" role="group" aria-label={t('achievement.group')}>
      <label class="field">
        <span>{t('achievement.title')}</span>
        <input value={fields.title} maxLength={200} onInput={set('title')} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>{t('field.titleZh')}</span>
          <input lang="zh-CN" value={titles['zh-CN']} maxLength={200} onInput={setTitle('zh-CN')} />
        </label>
        <label class="field">
          <span>{t('field.titleEn')}</span>
          <input lang="en" value={titles.en} maxLength={200} onInput={setTitle('en')} />
        </label>
      </div>
      <div class="field-row">
        <label class="field">
          <span>{t('achievement.institution')}</span>
          <input value={fields.institution} maxLength={200} onInput={set('institution')} />
        </label>
        <label class="field">
          <span>{t('achievement.field')}</span>
          <input value={fields.field} maxLength={120} placeholder={t('achievement.fieldExample')} onInput={set('field')} />
        </label>
      </div>
      <label class="field">
        <span>{t('achievement.summary')}</span>
        <textarea rows={3} value={fields.summary} maxLength={4000} onInput={set('summary')} />
      </label>
      <label class="field">
        <span>{t('achievement.contact')}</span>
        <input value={fields.contact} maxLength={200} placeholder={CONTACT_EXAMPLE} onInput={set('contact')} />
      </label>
      {error && <p class="form-error">{formErrorText(error.failure)}</p>}
      <div class="form-actions">
        <button type="button" class="button-primary" disabled={busy || !complete} onClick={() => void create()}>
          {t('achievement.create')}
        </button>
        <button type="button" class="button-quiet" onClick={onCancel}>
          {consoleText.t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
