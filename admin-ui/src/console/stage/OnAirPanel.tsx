import type { ProgramChange, SourceInfo, SpeakerRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { sourceName } from './sourceLabels';
import { lowerThirdDetail, lowerThirdHeadline } from '../../lib/lowerThird';

const t = consoleStage.t;

/** The session's title on the lower-third, in the page's language (the organisers may have entered both). */
function sessionTitleOf(lowerThird: NonNullable<ProgramChange['lowerThird']>): string {
  return localized({ title: lowerThird.sessionTitle, translations: lowerThird.sessionTranslations }, 'title');
}

interface OnAirPanelProps {
  program: ProgramChange | null;
  sources: SourceInfo[];
  /** The source on air before the host's last switch: one click goes back to it. */
  previousId: string | null;
  /** Whom the lower-third may name: the live session's speakers first, then everyone. */
  speakers: SpeakerRecord[];
  chosenSpeakerId: string | null;
  busy: boolean;
  onTake: (sourceId: string | null) => void;
  onSpeaker: (speakerId: string | null) => void;
}

/** What viewers see now: the source on air, the lower-third over it, and the way back. */
export function OnAirPanel({ program, sources, previousId, speakers, chosenSpeakerId, busy, onTake, onSpeaker }: OnAirPanelProps) {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const programId = program?.sourceId ?? null;
  const programLive = programId === null || byId.has(programId);
  const previousLive = previousId !== null && byId.has(previousId) && previousId !== programId;
  const lowerThird = program?.lowerThird ?? null;
  // As viewers see it: the name line (a speaker, or an agreement written in the page's language) and the detail.
  const headline = lowerThirdHeadline(lowerThird);
  const detail = lowerThirdDetail(lowerThird);

  return (
    <section class="panel" aria-labelledby="on-air-heading">
      <h2 id="on-air-heading">{t('air.heading')}</h2>
      <p class="on-air-now" id="program-now">
        {programId === null ? (
          <span class="muted">{t('air.auto')}</span>
        ) : (
          <>
            <span class="on-air-dot" aria-hidden="true" />
            <strong>{sourceName(byId.get(programId), programId)}</strong>
          </>
        )}
      </p>
      {!programLive && (
        <p class="alert-inline" role="alert">
          {t('air.gone')}
        </p>
      )}
      <div class="undo-row">
        <button
          type="button"
          id="program-undo"
          class="button-undo"
          disabled={busy || !previousLive}
          onClick={() => previousId && onTake(previousId)}
        >
          {t('air.back', { source: previousLive ? sourceName(byId.get(previousId ?? ''), previousId) : t('air.previous') })}
        </button>
        {programId !== null && (
          <button type="button" class="button-quiet" disabled={busy} onClick={() => onTake(null)} title={t('air.clearHint')}>
            {t('air.clear')}
          </button>
        )}
      </div>

      <h3>{t('lower.heading')}</h3>
      <div class="lower-third-preview" aria-label={t('lower.preview')}>
        {lowerThird && (headline || detail) ? (
          <>
            <strong id="lower-third-preview-name">{headline || sessionTitleOf(lowerThird)}</strong>
            {headline && detail && <span>{detail}</span>}
          </>
        ) : (
          <span class="muted">{t(programId === null ? 'lower.waiting' : 'lower.empty')}</span>
        )}
      </div>
      <label class="field">
        <span>{t('lower.name')}</span>
        <select
          value={chosenSpeakerId ?? ''}
          disabled={busy || programId === null || !programLive}
          onChange={(e) => onSpeaker(e.currentTarget.value || null)}
        >
          <option value="">{t('lower.default')}</option>
          {speakers.map((speaker) => (
            <option key={speaker.id} value={speaker.id}>
              {speaker.name}
              {speaker.organisation ? ` — ${speaker.organisation}` : ''}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
