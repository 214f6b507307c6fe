import { createPortal, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EventRecord, StageRecord } from '../../../../signaling/contract';
import { watchPanels } from '../../i18n/messages/watchPanels';
import { useLocale } from '../../i18n/preact';
import type { ApiClient } from '../../lib/api';
import { currentSession } from '../../lib/currentSession';
import type { StageRoute } from '../../lib/route';
import { usableZone } from '../../lib/zonedTime';
import { useNow } from '../../live/hooks';
import type { HandPublisher } from '../HandPublisher';
import type { StageViewer } from '../StageViewer';
import { AgendaPanel } from './AgendaPanel';
import { AgreementsPanel } from './AgreementsPanel';
import { HandCard } from './HandCard';
import { NowOnStage } from './NowOnStage';
import { QaPanel } from './QaPanel';
import { useStageAgenda } from './useStageAgenda';

export interface WatchAppProps {
  route: StageRoute;
  api: ApiClient;
  viewer: StageViewer;
  publisher: HandPublisher;
  /** The event and stage, once known (the page's header shows their names; the event's default language applies). */
  onEvent: (event: EventRecord, stage: StageRecord) => void;
  /** Where the session on stage is described, under the picture. */
  nowOnStage: HTMLElement;
}

type Tab = 'qa' | 'agenda' | 'agreements';

/** Everything beside the picture: raise a hand, the Q&A, the stage's agenda and the event's agreements, in tabs. */
function WatchApp({ route, api, viewer, publisher, onEvent, nowOnStage }: WatchAppProps) {
  useLocale();
  // The session may move to another node of a cluster: its panels follow the new connection.
  const [socket, setSocket] = useState(viewer.connection.socket);
  useEffect(() => viewer.connection.onMoved(setSocket), [viewer]);
  const agenda = useStageAgenda(api, socket, route.eventId, route.stageId);
  const now = useNow(30_000);
  const [tab, setTab] = useState<Tab>('qa');
  const session = currentSession(agenda.items, now);
  const zone = usableZone(agenda.event?.timezone);

  useEffect(() => {
    if (agenda.event && agenda.stage) onEvent(agenda.event, agenda.stage);
  }, [agenda.event, agenda.stage]);

  return (
    <>
      {createPortal(<NowOnStage session={session} zone={zone} />, nowOnStage)}
      <HandCard socket={socket} session={session} publisher={publisher} />
      <section class="watch-tabs">
        <div class="tab-bar" role="tablist" aria-label={watchPanels.t('tabs.label')}>
          <button type="button" role="tab" id="tab-qa" aria-selected={tab === 'qa'} aria-controls="panel-qa" onClick={() => setTab('qa')}>
            {watchPanels.t('tabs.qa')}
          </button>
          <button
            type="button"
            role="tab"
            id="tab-agenda"
            aria-selected={tab === 'agenda'}
            aria-controls="panel-agenda"
            onClick={() => setTab('agenda')}
          >
            {watchPanels.t('tabs.agenda')}
          </button>
          <button
            type="button"
            role="tab"
            id="tab-agreements"
            aria-selected={tab === 'agreements'}
            aria-controls="panel-agreements"
            onClick={() => setTab('agreements')}
          >
            {watchPanels.t('tabs.agreements')}
          </button>
        </div>
        <div id="panel-qa" role="tabpanel" aria-labelledby="tab-qa" hidden={tab !== 'qa'}>
          <QaPanel socket={socket} session={session} eventId={route.eventId} />
        </div>
        <div id="panel-agenda" role="tabpanel" aria-labelledby="tab-agenda" hidden={tab !== 'agenda'}>
          <AgendaPanel items={agenda.items} zone={zone} error={agenda.error} />
          {agenda.items.length > 0 && <p class="panel-note">{watchPanels.t('agenda.zone', { zone })}</p>}
        </div>
        <div id="panel-agreements" role="tabpanel" aria-labelledby="tab-agreements" hidden={tab !== 'agreements'}>
          <AgreementsPanel api={api} eventId={route.eventId} open={tab === 'agreements'} />
        </div>
      </section>
    </>
  );
}

export function mountWatchApp(root: HTMLElement, props: WatchAppProps): void {
  render(<WatchApp {...props} />, root);
}
