import type { SourceInfo } from '../../../../signaling/contract';
import { compareNames } from '../../i18n/format';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { TrackVideo } from '../../live/TrackVideo';
import { sourceKindLabel, sourceName } from './sourceLabels';

const t = consoleStage.t;

interface SourceGridProps {
  sources: SourceInfo[];
  previews: ReadonlyMap<string, MediaStreamTrack>;
  programId: string | null;
  /** The source being switched to, while the server has not confirmed it. */
  pendingId: string | null;
  disabled: boolean;
  onTake: (sourceId: string) => void;
}

// The hall feed first, then cameras, then screens; by label within a kind, so tiles do not jump around.
const ORDER = { onsite: 0, camera: 1, screen: 2, interpretation: 3 } as const;

/** Every live source of the stage as a preview tile; one click puts a tile on air. */
export function SourceGrid({ sources, previews, programId, pendingId, disabled, onTake }: SourceGridProps) {
  if (sources.length === 0) {
    return (
      <div class="empty source-empty">
        <strong>{t('grid.none')}</strong>
        <span>{t('grid.noneHint')}</span>
      </div>
    );
  }
  // Language channels are never on air (the server refuses them as a program): no tile to take.
  const sorted = [...sources]
    .filter((s) => s.kind !== 'interpretation')
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || compareNames(a.label, b.label) || a.id.localeCompare(b.id));
  return (
    <ul class="source-grid" aria-label={t('grid.label')}>
      {sorted.map((source) => {
        const onAir = source.id === programId;
        const pending = source.id === pendingId;
        const track = previews.get(source.id) ?? null;
        const hasVideo = source.producers.some((p) => p.kind === 'video');
        const hasAudio = source.producers.some((p) => p.kind === 'audio');
        const name = sourceName(source, source.id);
        return (
          <li key={source.id} class={`source-tile${onAir ? ' on-air' : ''}${pending ? ' pending' : ''}`} data-source={source.id}>
            <div class="source-preview">
              {hasVideo ? (
                <TrackVideo track={track} label={t('grid.preview', { name })} />
              ) : (
                <span class="source-novideo">{t('grid.soundOnly')}</span>
              )}
              {onAir && <span class="on-air-badge">{t('grid.onAir')}</span>}
              {pending && <span class="pending-badge">{t('grid.switching')}</span>}
            </div>
            <div class="source-info">
              <div class="source-text">
                <strong class="source-name" title={name}>
                  {name}
                </strong>
                <span class="muted">
                  {[sourceKindLabel(source.kind), ...(hasVideo ? [t('grid.video')] : []), ...(hasAudio ? [t('grid.sound')] : [])].join(
                    ' · ',
                  )}
                </span>
              </div>
              <button
                type="button"
                class={onAir ? 'button-on-air' : 'button-take'}
                disabled={disabled || onAir || pending}
                aria-pressed={onAir}
                onClick={() => onTake(source.id)}
              >
                {t(onAir ? 'grid.onAir' : 'grid.take')}
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
