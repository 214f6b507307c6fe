import '../styles/page.css';
import type { BoothState, StageLanguages } from '../../../signaling/contract';
import { element } from '../lib/dom';
import { failureText, isTokenRefused } from '../lib/failureText';
import { LanguagePlayer } from '../lib/LanguagePlayer';
import { Placement } from '../lib/placement';
import { stageRouteOf } from '../lib/route';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { openUserMedia } from '../lib/userMedia';
import { ProgramPlayer } from '../watch/ProgramPlayer';
import { StageViewer, type WatchState } from '../watch/StageViewer';
import { BoothMicrophone, type MicState } from './BoothMicrophone';

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface InterpretDebugHandle {
  readonly state: WatchState;
  readonly mic: MicState;
  readonly language: string | null;
  readonly booth: BoothState | null;
  readonly producerId: string | null;
  readonly programSourceId: string | null;
  handOver(): Promise<BoothState>;
  relay(language: string | null): Promise<void>;
  relayTracks(): MediaStreamTrack[];
}

const MIC_TEXT: Record<MicState, string> = {
  starting: 'Microphone starting…',
  live: 'You are live: listeners of this channel hear you',
  muted: 'Muted: your partner is live',
  failed: 'Microphone not in the booth',
};

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const stageTitle = element('stage-title', HTMLElement);
const boothTitle = element('booth-title', HTMLElement);
const micState = element('mic-state', HTMLElement);
const interpreters = element('booth-interpreters', HTMLElement);
const handOverButton = element('hand-over', HTMLButtonElement);
const relaySelect = element('relay', HTMLSelectElement);
const player = new ProgramPlayer(element('program', HTMLVideoElement), element('unmute', HTMLButtonElement));

function fail(error: unknown): void {
  status.dataset.state = 'failed';
  status.textContent = 'Not connected';
  detail.textContent = failureText(error instanceof Error ? error : new Error(String(error)));
}

function renderBooth(mic: BoothMicrophone): void {
  const state = mic.state;
  micState.textContent = MIC_TEXT[state];
  micState.dataset.state = state;
  document.body.dataset.mic = state;
  boothTitle.textContent = mic.language === null ? 'Booth' : `Booth · ${mic.language}`;
  // Names come from the tokens the host minted: text only, never markup.
  interpreters.replaceChildren(
    ...(mic.booth?.interpreters ?? []).map((i) => {
      const item = document.createElement('li');
      item.dataset.live = String(i.live);
      item.textContent = `${i.name} — ${i.live ? 'live' : 'muted'}`;
      return item;
    }),
  );
  handOverButton.textContent = state === 'live' ? 'Hand over to partner' : 'Take over';
  handOverButton.disabled = !mic.hasPartner || (state !== 'live' && state !== 'muted');
  if (mic.error) detail.textContent = failureText(mic.error);
}

function renderRelay(languages: StageLanguages): void {
  const current = relaySelect.value;
  const others = languages.interpretationLanguages.filter((l) => l !== languages.yourLanguage);
  relaySelect.replaceChildren(new Option('— (floor only)', ''), ...others.map((l) => new Option(l, l)));
  relaySelect.value = others.includes(current) ? current : '';
}

async function start(): Promise<void> {
  const route = stageRouteOf(window.location.pathname, 'interpret');
  if (!route) {
    fail(new Error('this address names no stage'));
    return;
  }
  stageTitle.textContent = `${route.eventId} · ${route.stageId}`;
  let microphone: MediaStream;
  let token: PageToken;
  try {
    // A booth works with headsets: the browser's echo cancelling and noise suppression would only colour the voice.
    microphone = await openUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    token = await acquireToken(route.eventId);
  } catch (error) {
    fail(error);
    return;
  }
  const track = microphone.getAudioTracks()[0];
  if (!track) {
    fail(new Error('no microphone'));
    return;
  }
  const placement = new Placement(route, token);
  const viewer = new StageViewer(
    route,
    token,
    {
      state: (state, error) => {
        if (error && isTokenRefused(error)) forgetToken(route.eventId);
        status.dataset.state = state;
        status.textContent = state === 'live' ? 'Floor live' : state === 'no-source' ? 'Floor: nothing on air' : state;
        document.body.dataset.watchState = state;
        if (error) detail.textContent = failureText(error);
      },
      // The interpreter hears the floor over WebRTC: the lowest delay there is to interpret from.
      program: (_source, tracks) => player.show(tracks),
      hls: (url) => {
        if (url !== null) detail.textContent = 'The floor reaches this page over HLS only: it is seconds behind the hall.';
      },
    },
    { url: await placement.next(), placement },
  );
  const mic = new BoothMicrophone(viewer, track);
  mic.subscribe(() => renderBooth(mic));
  handOverButton.addEventListener('click', () => void mic.handOver().catch(fail));
  // Relay interpreting: another booth's channel instead of the floor (kept underneath at the stage's level).
  const relayPlayer = new LanguagePlayer(element('relay-audio', HTMLElement), player.video);
  viewer.languages.onTracks((language, tracks) => relayPlayer.show(language, tracks));
  const refresh = (): void => {
    viewer.connection
      .request('getLanguages', {})
      .then((languages) => {
        relayPlayer.floorLevel = languages.floorLevel;
        renderRelay(languages);
      })
      .catch((error: unknown) => console.info('stagecast: languages not available yet', error));
  };
  viewer.onJoined(async () => refresh());
  viewer.connection.on('agendaChanged', () => refresh());
  relaySelect.addEventListener('change', () => void viewer.languages.choose(relaySelect.value === '' ? null : relaySelect.value));
  window.addEventListener('pagehide', () => {
    viewer.connection.close();
    track.stop();
  });

  const handle: InterpretDebugHandle = {
    get state() {
      return viewer.state;
    },
    get mic() {
      return mic.state;
    },
    get language() {
      return mic.language;
    },
    get booth() {
      return mic.booth;
    },
    get producerId() {
      return mic.producerId;
    },
    get programSourceId() {
      return viewer.programSourceId;
    },
    handOver: () => mic.handOver(),
    relay: (language) => viewer.languages.choose(language),
    relayTracks: () => viewer.languages.tracks,
  };
  (window as Window & { stagecast?: InterpretDebugHandle }).stagecast = handle;
}

void start();
