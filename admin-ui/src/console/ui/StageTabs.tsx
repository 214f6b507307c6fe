import type { StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleText } from '../../i18n/messages/console';

/** One tab per stage of the event; views about a single stage put this at their top. */
export function StageTabs({
  stages,
  current,
  onSelect,
}: {
  stages: StageRecord[];
  current: string | null;
  onSelect: (id: string) => void;
}) {
  if (stages.length === 0) return <p class="empty">{consoleText.t('stages.none')}</p>;
  return (
    <div class="stage-tabs" role="tablist" aria-label={consoleText.t('stages.label')}>
      {stages.map((stage) => (
        <button
          key={stage.id}
          type="button"
          role="tab"
          class="stage-tab"
          data-stage={stage.id}
          aria-selected={stage.id === current}
          onClick={() => onSelect(stage.id)}
        >
          {localized(stage, 'name')}
        </button>
      ))}
    </div>
  );
}
