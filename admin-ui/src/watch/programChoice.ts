import type { SourceInfo, SourceKind } from '../../../signaling/contract';

// The hall feed is what the room sees; a remote speaker's camera comes next; slides alone come last.
// Language channels never reach here (StageViewer leaves them to the LanguageChannel); ranked last all the same.
const PREFERENCE: Record<SourceKind, number> = { onsite: 0, camera: 1, screen: 2, interpretation: 3 };

function rank(source: SourceInfo): number {
  // A source with a picture beats one that has (so far) only sound.
  const hasVideo = source.producers.some((p) => p.kind === 'video');
  return PREFERENCE[source.kind] * 2 + (hasVideo ? 0 : 1);
}

/**
 * The source this viewer plays: the best-ranked one that has media. Among equals the current one
 * stays, so an unrelated source appearing never makes the picture jump.
 */
export function chooseProgram(sources: readonly SourceInfo[], currentId: string | null): SourceInfo | null {
  let best: SourceInfo | null = null;
  for (const source of sources) {
    if (source.producers.length === 0) continue;
    if (!best || rank(source) < rank(best) || (rank(source) === rank(best) && source.id === currentId)) best = source;
  }
  return best;
}
