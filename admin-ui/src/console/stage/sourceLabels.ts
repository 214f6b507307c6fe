import type { SourceInfo, SourceKind } from '../../../../signaling/contract';
import { consoleStage } from '../../i18n/messages/consoleStage';

/** A kind of source as the host calls it. */
export function sourceKindLabel(kind: SourceKind): string {
  return consoleStage.t(`kind.${kind}`);
}

/**
 * The label the media layer gives an on-site feed opened without one (media/StageMedia.ts). It is the
 * server's English default, not a name someone chose, so the console says it in the page's language.
 */
const DEFAULT_ONSITE_LABEL = 'On-site feed';

/** A source's label as shown: a name someone gave it, or the translated default. */
export function sourceLabel(label: string): string {
  return label === DEFAULT_ONSITE_LABEL ? consoleStage.t('source.onsiteDefault') : label;
}

/** How the console names a source: its label, or its kind when it has none. */
export function sourceName(source: SourceInfo | undefined, fallbackId: string | null): string {
  if (source) return source.label ? sourceLabel(source.label) : sourceKindLabel(source.kind);
  return fallbackId ?? consoleStage.t('source.nothing');
}
