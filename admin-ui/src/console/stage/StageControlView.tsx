import { useEffect, useState } from 'preact/hooks';
import type { AgendaItem, ProgramChange } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { compareNames } from '../../i18n/format';
import { consoleStage } from '../../i18n/messages/consoleStage';
import { useLocale } from '../../i18n/preact';
import { eventPath } from '../../lib/api';
import { usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';
import { StageTabs } from '../ui/StageTabs';
import { useAgenda } from '../useAgenda';
import { OnAirPanel } from './OnAirPanel';
import { SessionControls } from './SessionControls';
import { SourceGrid } from './SourceGrid';
import { StageNamesPanel } from './StageNamesPanel';
import { StreamKeysPanel } from './StreamKeysPanel';
import { sourceName } from './sourceLabels';
import { useStageMonitor } from './useStageMonitor';

const t = consoleStage.t;

/** The host runs one stage: previews of every source, one click to put one on air, the sessions in order. */
export function StageControlView({ stageId, onStage }: { stageId: string | null; onStage: (id: string) => void }) {
  useLocale();
  const { api, identity, event, stages, notify } = useConsole();
  const monitor = useStageMonitor(stageId);
  const agenda = useAgenda();
  const zone = usableZone(event?.timezone);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [previousId, setPreviousId] = useState<string | null>(null);
  const [speakerId, setSpeakerId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Another stage: its own history.
  useEffect(() => {
    setPreviousId(null);
    setSpeakerId(null);
    setPendingId(null);
  }, [stageId]);

  const programId = monitor.program?.sourceId ?? null;
  const sourceById = new Map(monitor.sources.map((s) => [s.id, s]));
  const stageItems = agenda.items.filter((item) => item.stageId === stageId);
  const live = stageItems.find((item) => item.status === 'live');
  // The live session's speakers first, in their order; then everyone else by name.
  const others = agenda.speakers.filter((s) => !live?.speakerIds.includes(s.id)).sort((a, b) => compareNames(a.name, b.name));
  const speakers = [...(live?.speakers ?? []), ...others];

  const putOnAir = async (sourceId: string | null, speaker: string | null = speakerId): Promise<void> => {
    if (!stageId) return;
    const before = programId;
    setPendingId(sourceId);
    setBusy(true);
    try {
      const body = sourceId === null ? { sourceId } : speaker ? { sourceId, speakerId: speaker } : { sourceId };
      await api.put<ProgramChange>(eventPath(identity.eventId, 'stages', stageId, 'program'), body);
      if (before !== sourceId) setPreviousId(before);
    } catch (error) {
      notify({
        tone: 'error',
        text: t('take.failed', { source: sourceName(sourceById.get(sourceId ?? ''), sourceId), error: errorText(error) }),
      });
    } finally {
      setPendingId(null);
      setBusy(false);
    }
  };

  const sessionAction = async (item: AgendaItem, action: 'start' | 'end'): Promise<void> => {
    setBusy(true);
    try {
      await api.post(eventPath(identity.eventId, 'sessions', item.id, action));
      notify({ tone: 'success', text: t(action === 'start' ? 'sessions.started' : 'sessions.ended', { title: localized(item, 'title') }) });
      await agenda.reload();
    } catch (error) {
      notify({
        tone: 'error',
        text: t(action === 'start' ? 'sessions.startFailed' : 'sessions.endFailed', {
          title: localized(item, 'title'),
          error: errorText(error),
        }),
      });
    } finally {
      setBusy(false);
    }
  };

  const stage = stages.find((s) => s.id === stageId);
  const stageName = stage ? localized(stage, 'name') : (stageId ?? '');
  return (
    <section class="view stage-view" aria-labelledby="stage-heading">
      <StageTabs stages={stages} current={stageId} onSelect={onStage} />
      {stageId && (
        <div class="stage-layout">
          <div class="stage-sources">
            <header class="view-head">
              <div>
                <h1 id="stage-heading">{stageName}</h1>
                <p class="muted">
                  <span class="monitor-state" data-state={monitor.state}>
                    {t(`monitor.${monitor.state}`)}
                  </span>
                  {' · '}
                  {t('sources', { count: monitor.sources.length })} · {t('switchHint')}
                </p>
              </div>
            </header>
            {monitor.error && (
              <p class="form-error" role="alert">
                {monitor.error.message}
              </p>
            )}
            <SourceGrid
              sources={monitor.sources}
              previews={monitor.previews}
              programId={programId}
              pendingId={pendingId}
              disabled={busy || monitor.state !== 'live'}
              onTake={(id) => void putOnAir(id)}
            />
          </div>
          <div class="stage-side">
            <OnAirPanel
              program={monitor.program}
              sources={monitor.sources}
              previousId={previousId}
              speakers={speakers}
              chosenSpeakerId={speakerId}
              busy={busy}
              onTake={(id) => void putOnAir(id)}
              onSpeaker={(id) => {
                setSpeakerId(id);
                if (programId) void putOnAir(programId, id);
              }}
            />
            <SessionControls
              items={stageItems}
              zone={zone}
              busy={busy}
              onStart={(item) => void sessionAction(item, 'start')}
              onEnd={(item) => void sessionAction(item, 'end')}
            />
            <StreamKeysPanel stageId={stageId} />
            {stage && <StageNamesPanel key={stage.id} stage={stage} />}
          </div>
        </div>
      )}
    </section>
  );
}
