import type { ProgramChange, SourceInfo, SpeakerRecord } from '../../../../signaling/contract';
import { sourceName } from './sourceLabels';
import { lowerThirdDetail } from '../../lib/lowerThird';

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
  const detail = lowerThirdDetail(lowerThird);

  return (
    <section class="panel" aria-labelledby="on-air-heading">
      <h2 id="on-air-heading">On air</h2>
      <p class="on-air-now" id="program-now">
        {programId === null ? (
          <span class="muted">No program chosen: each viewer gets the best source available (hall feed first).</span>
        ) : (
          <>
            <span class="on-air-dot" aria-hidden="true" />
            <strong>{sourceName(byId.get(programId), programId)}</strong>
          </>
        )}
      </p>
      {!programLive && (
        <p class="alert-inline" role="alert">
          The source on air has gone: viewers see nothing. Put another source on air.
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
          ↶ Back to {previousLive ? sourceName(byId.get(previousId ?? ''), previousId) : 'the previous source'}
        </button>
        {programId !== null && (
          <button
            type="button"
            class="button-quiet"
            disabled={busy}
            onClick={() => onTake(null)}
            title="Viewers then pick the best source themselves"
          >
            Clear program
          </button>
        )}
      </div>

      <h3>Lower-third</h3>
      <div class="lower-third-preview" aria-label="Lower-third as viewers see it">
        {lowerThird && (lowerThird.speakerName || detail) ? (
          <>
            <strong id="lower-third-preview-name">{lowerThird.speakerName || lowerThird.sessionTitle}</strong>
            {lowerThird.speakerName && detail && <span>{detail}</span>}
          </>
        ) : (
          <span class="muted">
            {programId === null ? 'Shown once a source is on air.' : 'Nothing to show: no live session and no speaker chosen.'}
          </span>
        )}
      </div>
      <label class="field">
        <span>Name on the lower-third</span>
        <select
          value={chosenSpeakerId ?? ''}
          disabled={busy || programId === null || !programLive}
          onChange={(e) => onSpeaker(e.currentTarget.value || null)}
        >
          <option value="">The live session's first speaker</option>
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
