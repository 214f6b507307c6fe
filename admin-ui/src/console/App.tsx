import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { EventRecord, StageRecord } from '../../../signaling/contract';
import { ApiClient, ApiError, eventPath } from '../lib/api';
import { failureCode } from '../lib/failureText';
import { connectSignaling } from '../lib/signaling';
import { AgendaView } from './agenda/AgendaView';
import { MatchmakingView } from './desk/MatchmakingView';
import { ConsoleScope, type ConsoleContext } from './context';
import { useConnected, useSocketEvent } from '../live/hooks';
import { takeTokenFromLink } from '../lib/token';
import { readIdentity, storedToken, storeToken, viewsFor, type Identity, type ViewName } from './identity';
import { IntegrationsView } from './integrations/IntegrationsView';
import { OpsView } from './ops/OpsView';
import { ModerationView } from './qa/ModerationView';
import { navigate, routeHref, useRoute } from './route';
import { SignIn } from './SignIn';
import { StageControlView } from './stage/StageControlView';
import { NoticeList, useNotices } from './ui/Notices';

const VIEW_LABEL: Record<ViewName, string> = {
  agenda: 'Agenda',
  stage: 'Stage control',
  qa: 'Q&A',
  ops: 'Ops',
  matchmaking: 'Matchmaking',
  integrations: 'Integrations',
};

/** The identity from a `?token=` link or this tab's stored token, else why there is none. */
function initialIdentity(): { identity: Identity | null; message: string | null } {
  const linked = takeTokenFromLink();
  const token = linked ?? storedToken();
  if (!token) return { identity: null, message: null };
  const identity = readIdentity(token);
  if (typeof identity === 'string') {
    storeToken(null);
    return { identity: null, message: identity };
  }
  storeToken(identity.token);
  return { identity, message: null };
}

export function App() {
  const [{ identity, message }, setState] = useState(initialIdentity);
  const signIn = useCallback((next: Identity) => {
    storeToken(next.token);
    setState({ identity: next, message: null });
  }, []);
  const signOut = useCallback((why: string | null) => {
    storeToken(null);
    setState({ identity: null, message: why });
  }, []);
  if (!identity) return <SignIn message={message} onSignIn={signIn} />;
  // Keyed by token: signing in as someone else builds every connection anew.
  return <SignedIn key={identity.token} identity={identity} onSignOut={signOut} />;
}

function SignedIn({ identity, onSignOut }: { identity: Identity; onSignOut: (why: string | null) => void }) {
  const refused = 'The server refused your access token (expired or revoked). Sign in again.';
  const api = useMemo(() => new ApiClient(identity.token, () => onSignOut(refused)), [identity.token]);
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
      if (failureCode(error) === 'unauthorized') onSignOut(refused);
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
    } catch (error) {
      notify({ tone: 'error', text: `Could not load the event: ${error instanceof ApiError ? error.message : String(error)}` });
    }
  }, [api, identity.eventId, notify]);
  useEffect(() => void loadEvent(), [loadEvent]);
  useSocketEvent(socket, 'agendaChanged', (change) => {
    if (change.eventId === identity.eventId) void loadEvent();
  });

  const context = useMemo<ConsoleContext>(
    () => ({ identity, api, socket, event, stages, notify }),
    [identity, api, socket, event, stages, notify],
  );
  // Views that are about one stage keep it in the address; the first stage is the default.
  const stageId = route.stageId && stages.some((s) => s.id === route.stageId) ? route.stageId : (stages[0]?.id ?? null);

  return (
    <ConsoleScope.Provider value={context}>
      <div class="console">
        <header class="console-bar">
          <div class="brand">
            <strong>stagecast</strong>
            <span class="event-name" title={event?.name}>
              {event?.name ?? identity.eventId}
            </span>
          </div>
          <nav class="views" aria-label="Console views">
            {views.map((name) => (
              <a
                key={name}
                href={routeHref(name, name === 'stage' || name === 'qa' ? stageId : null)}
                class="view-tab"
                aria-current={name === view ? 'page' : undefined}
              >
                {VIEW_LABEL[name]}
              </a>
            ))}
          </nav>
          <div class="who">
            <span
              class="connection"
              data-connected={String(connected)}
              title={connected ? 'Live updates connected' : 'Reconnecting to the server…'}
            >
              {connected ? 'Live' : 'Reconnecting…'}
            </span>
            <span class="identity">
              {identity.name} <span class="role">{identity.role}</span>
            </span>
            <button type="button" class="button-quiet" onClick={() => onSignOut(null)}>
              Sign out
            </button>
          </div>
        </header>
        <main class="console-main">
          {view === 'agenda' && <AgendaView />}
          {view === 'stage' && <StageControlView stageId={stageId} onStage={(id) => navigate('stage', id)} />}
          {view === 'qa' && <ModerationView stageId={stageId} onStage={(id) => navigate('qa', id)} />}
          {view === 'ops' && <OpsView />}
          {view === 'matchmaking' && <MatchmakingView />}
          {view === 'integrations' && <IntegrationsView />}
        </main>
        <NoticeList notices={notices} dismiss={dismiss} />
      </div>
    </ConsoleScope.Provider>
  );
}
