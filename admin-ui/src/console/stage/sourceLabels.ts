import type { SourceInfo, SourceKind } from '../../../../signaling/contract';

export const SOURCE_KIND_LABEL: Record<SourceKind, string> = {
  onsite: 'Hall feed',
  camera: 'Remote camera',
  screen: 'Screen share',
  interpretation: 'Interpretation',
};

/** How the console names a source: its label, or its kind when it has none. */
export function sourceName(source: SourceInfo | undefined, fallbackId: string | null): string {
  if (source) return source.label || SOURCE_KIND_LABEL[source.kind];
  return fallbackId ?? 'nothing';
}
