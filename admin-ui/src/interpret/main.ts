import '../styles/page.css';
import type { BoothState, StageLanguages } from '../../../signaling/contract';
import { element } from '../lib/dom';
import { failureText, isTokenRefused } from '../lib/failureText';
import { LanguagePlayer } from '../lib/LanguagePlayer';
import { Placement } from '../lib/placement';
import { stageRouteOf } from '../lib/route';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { mediaUnavailable, openUserMedia } from '../lib/userMedia';
import { ApiClient } from '../lib/api';
import { languageName } from '../lib/languageNames';
import { PageFailure } from '../lib/pageFailure';
import { loadPageEvent, mountLocaleMenu, presentEvent } from '../lib/pageEvent';
import { bindStaticText, bindText } from '../i18n/dom';
import { onLocaleChange } from '../i18n/locale';
import { initLocale } from '../i18n/pageLocale';
import { interpret } from '../i18n/messages/interpret';
import { live } from '../i18n/messages/live';
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

const MIC_KEY: Record<MicState, Parameters<typeof interpret.t>[0]> = {
  starting: 'mic.starting',
  live: 'mic.live',
  muted: 'mic.muted',
  failed: 'mic.failed',
};

/** The floor's state as the status pill says it: what the interpreter hears is the floor. */
function floorText(state: WatchState): string {
  if (state === 'live') return interpret.t('floor.live');
  if (state === 'no-source') return interpret.t('floor.noSource');
  if (state === 'connecting') return live.t('state.connecting');
  if (state === 'reconnecting') return live.t('state.reconnecting');
  return live.t('state.notConnected');
}

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const stageTitle = element('stage-title', HTMLElement);
const boothTitle = element('booth-title', HTMLElement);
const micState = element('mic-state', HTMLElement);
const interpreters = element('booth-interpreters', HTMLElement);
const handOverButton = element('hand-over', HTMLButtonElement);
const relaySelect = element('relay', HTMLSelectElement);
const unmuteButton = element('unmute', HTMLButtonElement);
const player = new ProgramPlayer(element('program', HTMLVideoElement), unmuteButton);

function fail(error: unknown): void {
  status.dataset.state = 'failed';
  bindText(status, () => live.t('state.notConnected'));
  const failure = error instanceof Error ? error : new Error(String(error));
  bindText(detail, () => failureText(failure));
}

function renderBooth(mic: BoothMicrophone): void {
  const state = mic.state;
  bindText(micState, () => interpret.t(MIC_KEY[state]));
  micState.dataset.state = state;
  document.body.dataset.mic = state;
  const language = mic.language;
  bindText(boothTitle, () =>
    language === null ? interpret.t('booth.title') : interpret.t('booth.titleIn', { language: languageName(language) }),
  );
  // Names come from the tokens the host minted: text only, never markup.
  interpreters.replaceChildren(
    ...(mic.booth?.interpreters ?? []).map((i) => {
      const item = document.createElement('li');
      item.dataset.live = String(i.live);
      bindText(item, () => interpret.t(i.live ? 'interpreter.live' : 'interpreter.muted', { name: i.name }));
      return item;
    }),
  );
  bindText(handOverButton, () => interpret.t(state === 'live' ? 'handOver.toPartner' : 'handOver.takeOver'));
  handOverButton.disabled = !mic.hasPartner || (state !== 'live' && state !== 'muted');
  const failure = mic.error;
  if (failure) bindText(detail, () => failureText(failure));
}

function renderRelay(languages: StageLanguages): void {
  const current = relaySelect.value;
  const others = languages.interpretationLanguages.filter((l) => l !== languages.yourLanguage);
  relaySelect.replaceChildren(new Option(interpret.t('relay.none'), ''), ...others.map((l) => new Option(languageName(l), l)));
  relaySelect.value = others.includes(current) ? current : '';
}

async function start(): Promise<void> {
  initLocale();
  bindStaticText(document, interpret);
  bindText(unmuteButton, () => live.t('player.unmute'));
  bindText(micState, () => interpret.t('mic.starting'));
  bindText(boothTitle, () => interpret.t('booth.title'));
  bindText(status, () => live.t('state.connecting'));
  mountLocaleMenu(status.parentElement ?? document.body, status);
  const route = stageRouteOf(window.location.pathname, 'interpret');
  if (!route) {
    fail(new PageFailure('no_stage', 'this address names no stage'));
    return;
  }
  stageTitle.textContent = `${route.eventId} · ${route.stageId}`;
  let microphone: MediaStream;
  let token: PageToken;
  try {
    // A booth works with headsets: the browser's echo cancelling and noise suppression would only colour the voice.
    microphone = await openUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } }).catch(
      (error: unknown) => {
        throw mediaUnavailable(error);
      },
    );
    token = await acquireToken(route.eventId);
  } catch (error) {
    fail(error);
    return;
  }
  const track = microphone.getAudioTracks()[0];
  if (!track) {
    fail(new PageFailure('no_microphone', 'no microphone'));
    return;
  }
  void loadPageEvent(new ApiClient(token), route.eventId, route.stageId).then((found) => {
    if (found) presentEvent(found, { heading: stageTitle, pageName: () => interpret.t('page.name') });
  });
  const placement = new Placement(route, token);
  const viewer = new StageViewer(
    route,
    token,
    {
      state: (state, error) => {
        if (error && isTokenRefused(error)) forgetToken(route.eventId);
        status.dataset.state = state;
        bindText(status, () => floorText(state));
        document.body.dataset.watchState = state;
        if (error) bindText(detail, () => failureText(error));
      },
      // The interpreter hears the floor over WebRTC: the lowest delay there is to interpret from.
      program: (_source, tracks) => player.show(tracks),
      hls: (url) => {
        if (url !== null) bindText(detail, () => interpret.t('floor.hlsOnly'));
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
  // The relay menu names languages in the page's language: named again when it changes.
  let shownLanguages: StageLanguages | null = null;
  onLocaleChange(() => {
    if (shownLanguages) renderRelay(shownLanguages);
  });
  const refresh = (): void => {
    viewer.connection
      .request('getLanguages', {})
      .then((languages) => {
        relayPlayer.floorLevel = languages.floorLevel;
        shownLanguages = languages;
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
