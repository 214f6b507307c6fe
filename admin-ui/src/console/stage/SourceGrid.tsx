import type { SourceInfo } from '../../../../signaling/contract';
import { TrackVideo } from '../../live/TrackVideo';
import { SOURCE_KIND_LABEL, sourceName } from './sourceLabels';

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
        <strong>No source on this stage.</strong>
        <span>Start the hall encoder (npm run ingest) or invite a remote speaker with a speaker link.</span>
      </div>
    );
  }
  // Language channels are never on air (the server refuses them as a program): no tile to take.
  const sorted = [...sources]
    .filter((s) => s.kind !== 'interpretation')
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  return (
    <ul class="source-grid" aria-label="Sources">
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
              {hasVideo ? <TrackVideo track={track} label={`Preview of ${name}`} /> : <span class="source-novideo">Sound only</span>}
              {onAir && <span class="on-air-badge">On air</span>}
              {pending && <span class="pending-badge">Switching…</span>}
            </div>
            <div class="source-info">
              <div class="source-text">
                <strong class="source-name" title={name}>
                  {name}
                </strong>
                <span class="muted">
                  {SOURCE_KIND_LABEL[source.kind]}
                  {hasVideo && ' · video'}
                  {hasAudio && ' · sound'}
                </span>
              </div>
              <button
                type="button"
                class={onAir ? 'button-on-air' : 'button-take'}
                disabled={disabled || onAir || pending}
                aria-pressed={onAir}
                onClick={() => onTake(source.id)}
              >
                {onAir ? 'On air' : 'Put on air'}
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
