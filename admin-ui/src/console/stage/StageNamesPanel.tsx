import { useState } from 'preact/hooks';
import type { ContentLocale, ContentTranslations, StageRecord } from '../../../../signaling/contract';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { eventPath } from '../../lib/api';
import { useConsole } from '../context';
import { formErrorText } from '../errorText';

const t = consoleStage.t;

type Names = { name: string } & Record<ContentLocale, string>;

function namesOf(stage: StageRecord): Names {
  return { name: stage.name, 'zh-CN': stage.translations?.['zh-CN']?.name ?? '', en: stage.translations?.en?.name ?? '' };
}

/**
 * The stage's name, and its name in each page language: the tabs, the watch page and the front page
 * show viewers the one in their language. The whole set is sent on every save (a patch replaces it),
 * so a name emptied here is removed.
 */
export function StageNamesPanel({ stage }: { stage: StageRecord }) {
  const { api, identity, notify, reloadEvent } = useConsole();
  const [names, setNames] = useState<Names>(() => namesOf(stage));
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = JSON.stringify(names) !== JSON.stringify(namesOf(stage));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const translations: ContentTranslations = {};
      for (const locale of ['zh-CN', 'en'] as const) {
        const name = names[locale].trim();
        if (name) translations[locale] = { name };
      }
      await api.patch<StageRecord>(eventPath(identity.eventId, 'stages', stage.id), { name: names.name.trim(), translations });
      notify({ tone: 'success', text: t('names.saved') });
      await reloadEvent();
    } catch (failure) {
      setError({ failure });
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof Names) => (e: { currentTarget: HTMLInputElement }) => setNames({ ...names, [key]: e.currentTarget.value });
  return (
    <section class="panel stage-names" aria-labelledby="stage-names-heading">
      <h2 id="stage-names-heading">{t('names.heading')}</h2>
      <form class="stage-names-form" onSubmit={(e) => void save(e)}>
        <label class="field">
          <span>{t('names.name')}</span>
          <input id="stage-name" value={names.name} required maxLength={200} onInput={field('name')} />
        </label>
        <label class="field">
          <span>{t('names.zh')}</span>
          <input id="stage-name-zh" lang="zh-CN" value={names['zh-CN']} maxLength={200} onInput={field('zh-CN')} />
        </label>
        <label class="field">
          <span>{t('names.en')}</span>
          <input id="stage-name-en" lang="en" value={names.en} maxLength={200} onInput={field('en')} />
        </label>
        <p class="hint">{t('names.hint')}</p>
        {error && (
          <p class="form-error" role="alert">
            {t('names.failed', { error: formErrorText(error.failure) })}
          </p>
        )}
        <button type="submit" disabled={busy || !changed || names.name.trim() === ''}>
          {t('names.save')}
        </button>
      </form>
    </section>
  );
}
