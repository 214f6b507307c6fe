import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { EventRecord, StageRecord } from '../../../signaling/contract';
import { localized } from '../i18n/content';
import { LocaleMenu } from '../i18n/LocaleMenu';
import { consoleText } from '../i18n/messages/console';
import { applyEventDefault } from '../i18n/pageLocale';
import { useLocale } from '../i18n/preact';
import { ApiClient, eventPath } from '../lib/api';
import { failureCode } from '../lib/failureText';
import { connectSignaling } from '../lib/signaling';
import { AgendaView } from './agenda/AgendaView';
import { MatchmakingView } from './desk/MatchmakingView';
import { ConsoleScope, type ConsoleContext } from './context';
import { useConnected, useSocketEvent } from '../live/hooks';
import { takeTokenFromLink } from '../lib/token';
import { errorText } from './errorText';
import {
  isTokenProblem,
  readIdentity,
  storedToken,
  storeToken,
  type TokenProblem,
  viewsFor,
  type Identity,
  type ViewName,
} from './identity';
import { roleLabel } from './identityText';
import { IntegrationsView } from './integrations/IntegrationsView';
import { OpsView } from './ops/OpsView';
import { ModerationView } from './qa/ModerationView';
import { navigate, routeHref, useRoute } from './route';
import { SignIn } from './SignIn';
import { StageControlView } from './stage/StageControlView';
import { NoticeList, useNotices } from './ui/Notices';

/** The identity from a `?token=` link or this tab's stored token, else why there is none. */
function initialIdentity(): { identity: Identity | null; message: TokenProblem | null } {
  const linked = takeTokenFromLink();
  const token = linked ?? storedToken();
  if (!token) return { identity: null, message: null };
  const identity = readIdentity(token);
  if (isTokenProblem(identity)) {
    storeToken(null);
    return { identity: null, message: identity };
  }
  storeToken(identity.token);
  return { identity, message: null };
}

const REFUSED: TokenProblem = { problem: 'refused' };

export function App() {
  // The whole console renders again when the viewer picks another language.
  const locale = useLocale();
  useEffect(() => {
    document.title = consoleText.t('page.title');
  }, [locale]);
  const [{ identity, message }, setState] = useState(initialIdentity);
  const signIn = useCallback((next: Identity) => {
    storeToken(next.token);
    setState({ identity: next, message: null });
  }, []);
  const signOut = useCallback((why: TokenProblem | null) => {
    storeToken(null);
    setState({ identity: null, message: why });
  }, []);
  if (!identity) return <SignIn message={message} onSignIn={signIn} />;
  // Keyed by token: signing in as someone else builds every connection anew.
  return <SignedIn key={identity.token} identity={identity} onSignOut={signOut} />;
}

function CurrentView({ view, stageId }: { view: ViewName | undefined; stageId: string | null }) {
  switch (view) {
    case 'agenda':
      return <AgendaView />;
    case 'stage':
      return <StageControlView stageId={stageId} onStage={(id) => navigate('stage', id)} />;
    case 'qa':
      return <ModerationView stageId={stageId} onStage={(id) => navigate('qa', id)} />;
    case 'ops':
      return <OpsView />;
    case 'matchmaking':
      return <MatchmakingView />;
    case 'integrations':
      return <IntegrationsView />;
    default:
      return null;
  }
}

function SignedIn({ identity, onSignOut }: { identity: Identity; onSignOut: (why: TokenProblem | null) => void }) {
  useLocale();
  const api = useMemo(() => new ApiClient(identity.token, () => onSignOut(REFUSED)), [identity.token]);
  const socket = useMemo(() => connectSignaling(window.location.origin, identity.token), [identity.token]);
  const connected = useConnected(socket);
  const { notices, notify, dismiss } = useNotices();
  const [event, setEvent] = useState<EventRecord | null>(null);
  const [stages, setStages] = useState<StageRecord[]>([]);
  const route = useRoute();
  const views = viewsFor(identity.role);
  const view = route.view && views.includes(route.view) ? route.view : views[0];

  useEffect(() => {
    const onRefused = (error: Error): void => {
      if (failureCode(error) === 'unauthorized') onSignOut(REFUSED);
    };
    socket.on('connect_error', onRefused);
    return () => {
      socket.off('connect_error', onRefused);
      socket.disconnect();
    };
  }, [socket]);

  const loadEvent = useCallback(async () => {
    try {
      const [loadedEvent, loadedStages] = await Promise.all([
        api.get<EventRecord>(eventPath(identity.eventId)),
        api.get<StageRecord[]>(eventPath(identity.eventId, 'stages')),
      ]);
      setEvent(loadedEvent);
      setStages(loadedStages);
      // Decides only for someone whose browser asks for neither language and who has not chosen one.
      applyEventDefault(loadedEvent.defaultLocale);
    } catch (error) {
      notify({ tone: 'error', text: consoleText.t('event.loadFailed', { error: errorText(error) }) });
    }
  }, [api, identity.eventId, notify]);
  useEffect(() => void loadEvent(), [loadEvent]);
  useSocketEvent(socket, 'agendaChanged', (change) => {
    if (change.eventId === identity.eventId) void loadEvent();
  });

  const context = useMemo<ConsoleContext>(
    () => ({ identity, api, socket, event, stages, notify, reloadEvent: loadEvent }),
    [identity, api, socket, event, stages, notify, loadEvent],
  );
  // Views that are about one stage keep it in the address; the first stage is the default.
  const stageId = route.stageId && stages.some((s) => s.id === route.stageId) ? route.stageId : (stages[0]?.id ?? null);

  return (
    <ConsoleScope.Provider value={context}>
      <div class="console">
        <header class="console-bar">
          <div class="brand">
            <strong>stagecast</strong>
            <span class="event-name" title={event ? localized(event, 'name') : undefined}>
              {event ? localized(event, 'name') : identity.eventId}
            </span>
          </div>
          <nav class="views" aria-label={consoleText.t('bar.views')}>
            {views.map((name) => (
              <a
                key={name}
                href={routeHref(name, name === 'stage' || name === 'qa' ? stageId : null)}
                class="view-tab"
                aria-current={name === view ? 'page' : undefined}
              >
                {consoleText.t(`view.${name}`)}
              </a>
            ))}
          </nav>
          <div class="who">
            <span
              class="connection"
              data-connected={String(connected)}
              title={consoleText.t(connected ? 'bar.connected' : 'bar.reconnectingTitle')}
            >
              {consoleText.t(connected ? 'bar.live' : 'bar.reconnecting')}
            </span>
            <LocaleMenu />
            <span class="identity">
              {identity.name} <span class="role">{roleLabel(identity.role)}</span>
            </span>
            <button type="button" class="button-quiet" onClick={() => onSignOut(null)}>
              {consoleText.t('bar.signOut')}
            </button>
          </div>
        </header>
        <main class="console-main">
          <CurrentView view={view} stageId={stageId} />
        </main>
        <NoticeList notices={notices} dismiss={dismiss} />
      </div>
    </ConsoleScope.Provider>
  );
}
