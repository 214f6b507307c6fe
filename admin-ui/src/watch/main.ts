import '../styles/page.css';
import '../styles/watchPanels.css';
import type { ProgramChange, SourceInfo } from '../../../signaling/contract';
import type { WatchMode } from '../lib/StageConnection';
import { ApiClient } from '../lib/api';
import type { StageSocket } from '../lib/signaling';
import { element } from '../lib/dom';
import { failureText, isTokenRefused } from '../lib/failureText';
import { stageRouteOf } from '../lib/route';
import { Placement } from '../lib/placement';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { HandPublisher } from './HandPublisher';
import { mountWatchApp } from './panels/WatchApp';
import type { HlsAudio } from './hlsAudio';
import { mountLanguagePicker } from './languagePicker';
import { ProgramPlayer } from './ProgramPlayer';
import { type HlsReason, StageViewer, type WatchState } from './StageViewer';
import { lowerThirdDetail, lowerThirdHeadline } from '../lib/lowerThird';
import { PageFailure } from '../lib/pageFailure';
import { mountLocaleMenu, presentEvent } from '../lib/pageEvent';
import { bindStaticText, bindText } from '../i18n/dom';
import { initLocale } from '../i18n/pageLocale';
import { live } from '../i18n/messages/live';
import { watch } from '../i18n/messages/watch';

type LiveKey = Parameters<typeof live.t>[0];
type WatchKey = Parameters<typeof watch.t>[0];

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface WatchDebugHandle {
  readonly socket: StageSocket;
  /** The node the page's signaling connection goes to. */
  readonly nodeUrl: string;
  readonly state: WatchState;
  readonly peerId: string | null;
  /** The source this page plays now (null when nothing plays). */
  readonly programSourceId: string | null;
  /** The state of the camera and microphone published for an accepted raised hand. */
  readonly handMedia: string;
  /** How the page receives the stage: WebRTC or HLS. */
  readonly mode: WatchMode;
  videoStats(): Promise<{ framesDecoded: number }>;
  /** The language channel chosen (null: the floor alone) and its tracks the server forwards. */
  readonly language: string | null;
  languageTracks(): MediaStreamTrack[];
  /** The volume of the floor (the program's element), 0–1. */
  readonly floorVolume: number;
  /** Over HLS: the stream's audio renditions and the one playing. */
  readonly hlsAudio: HlsAudio['state'];
}

/** The status pill for each state, in the page's language (shared words of the live pages). */
const STATE_KEY: Record<WatchState, LiveKey> = {
  connecting: 'state.connecting',
  live: 'state.live',
  reconnecting: 'state.reconnecting',
  'no-source': 'state.noSource',
  failed: 'state.notConnected',
};

/** What the picture itself says when it cannot show the stage. */
const SCREEN_KEY: Partial<Record<WatchState, WatchKey>> = {
  connecting: 'screen.connecting',
  reconnecting: 'screen.reconnecting',
  'no-source': 'screen.noSource',
};

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const stageTitle = element('stage-title', HTMLElement);
const eventTitle = element('event-title', HTMLElement);
const programLabel = element('program-label', HTMLElement);
const lowerThirdName = element('lower-third-name', HTMLElement);
const lowerThirdInfo = element('lower-third-info', HTMLElement);
const lowerThirdBox = element('lower-third', HTMLElement);
const screenMessage = element('screen-message', HTMLElement);
const unmuteButton = element('unmute', HTMLButtonElement);
const player = new ProgramPlayer(element('program', HTMLVideoElement), unmuteButton);
const modeBadge = element('mode-badge', HTMLElement);
const modeSwitch = element('mode-switch', HTMLButtonElement);
const modeNote = element('mode-note', HTMLElement);
/** The viewer's own choice of latency, remembered for the next visit. */
const MODE_KEY = 'stagecast.watchMode';

const REFUSAL_KEY: Record<HlsReason, WatchKey> = {
  budget: 'refusal.budget',
  cpu: 'refusal.cpu',
  crowd: 'refusal.crowd',
  unreachable: 'refusal.unreachable',
};

function storedMode(): WatchMode {
  try {
    return localStorage.getItem(MODE_KEY) === 'hls' ? 'hls' : 'webrtc';
  } catch {
    return 'webrtc';
  }
}

function showMode(mode: WatchMode, refusal: HlsReason | null): void {
  modeBadge.dataset.mode = mode;
  bindText(modeBadge, () => watch.t(mode === 'hls' ? 'mode.standard' : 'mode.low'));
  bindText(modeSwitch, () => watch.t(mode === 'hls' ? 'mode.toLow' : 'mode.toStandard'));
  document.body.dataset.watchMode = mode;
  bindText(modeNote, () => (refusal ? watch.t(REFUSAL_KEY[refusal]) : ''));
  modeNote.hidden = refusal === null;
}

let selfOnAir = false;

function showState(state: WatchState, error?: Error): void {
  status.dataset.state = state;
  bindText(status, () => live.t(STATE_KEY[state]));
  bindText(detail, () => (error ? failureText(error) : ''));
  document.body.dataset.watchState = state;
  showScreenMessage(state);
}

function showScreenMessage(state: WatchState): void {
  const key = selfOnAir && state === 'no-source' ? 'screen.selfOnAir' : SCREEN_KEY[state];
  bindText(screenMessage, () => (key ? watch.t(key) : ''));
  screenMessage.hidden = key === undefined;
  screenMessage.dataset.state = state;
}

function showProgram(
  source: SourceInfo | null,
  tracks: MediaStreamTrack[],
  lowerThird: ProgramChange['lowerThird'],
  ownCameraOnAir: boolean,
): void {
  selfOnAir = ownCameraOnAir;
  // Labels and names come from participants and organisers: text only, never markup.
  programLabel.textContent = source ? source.label : '';
  lowerThirdBox.hidden = !lowerThird;
  bindText(lowerThirdName, () => lowerThirdHeadline(lowerThird));
  bindText(lowerThirdInfo, () => lowerThirdDetail(lowerThird));
  player.show(tracks);
}

async function start(): Promise<void> {
  initLocale();
  bindStaticText(document, watch);
  bindText(unmuteButton, () => live.t('player.unmute'));
  mountLocaleMenu(element('status', HTMLElement).parentElement ?? document.body, status);
  showMode('webrtc', null);
  const route = stageRouteOf(window.location.pathname, 'watch');
  if (!route) {
    showState('failed', new PageFailure('no_stage', 'this address names no stage'));
    return;
  }
  stageTitle.textContent = `${route.eventId} · ${route.stageId}`;
  showState('connecting');
  let token: PageToken;
  try {
    token = await acquireToken(route.eventId);
  } catch (error) {
    showState('failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  // In a cluster the page may be told to use another node; it moves again should that one go away.
  const placement = new Placement(route, token);
  const viewer = new StageViewer(
    route,
    token,
    {
      state: (state, error) => {
        if (error && isTokenRefused(error)) forgetToken(route.eventId);
        showState(state, error);
      },
      program: (source, tracks, lowerThird, ownCameraOnAir) => {
        showProgram(source, tracks, lowerThird, ownCameraOnAir);
        showScreenMessage(viewer.state);
      },
      hls: (url, refusal) => {
        showMode(url === null ? 'webrtc' : 'hls', refusal);
        if (url === null) player.stopHls();
        else player.playHls(new URL(url, viewer.connection.url).href).catch((error: unknown) => showState('failed', error as Error));
      },
    },
    { url: await placement.next(), placement, mode: storedMode() },
  );
  modeSwitch.addEventListener('click', () => {
    const next: WatchMode = viewer.connection.mode === 'hls' ? 'webrtc' : 'hls';
    try {
      localStorage.setItem(MODE_KEY, next);
    } catch {
      // Storage disabled: the choice lasts for this visit.
    }
    void viewer.connection.setMode(next);
  });
  mountLanguagePicker(viewer, element('language', HTMLSelectElement), element('language-box', HTMLElement), player.video, player.audio);
  const publisher = new HandPublisher(viewer);
  window.addEventListener('pagehide', () => {
    void publisher.stop();
    viewer.connection.close();
  });
  mountWatchApp(element('watch-app', HTMLElement), {
    route,
    api: new ApiClient(token),
    viewer,
    publisher,
    nowOnStage: element('now-on-stage', HTMLElement),
    onEvent: (event, stage) => presentEvent({ event, stage }, { heading: stageTitle, subheading: eventTitle }),
  });

  const handle: WatchDebugHandle = {
    get socket() {
      return viewer.connection.socket;
    },
    get nodeUrl() {
      return viewer.connection.url;
    },
    get state() {
      return viewer.state;
    },
    get peerId() {
      return viewer.connection.peerId;
    },
    get programSourceId() {
      return viewer.programSourceId;
    },
    get handMedia() {
      return publisher.state;
    },
    get mode() {
      return viewer.connection.mode;
    },
    get language() {
      return viewer.languages.language;
    },
    languageTracks: () => viewer.languages.tracks,
    get hlsAudio() {
      return player.audio.state;
    },
    get floorVolume() {
      return player.video.volume;
    },
    async videoStats() {
      const framesDecoded = await viewer.framesDecoded();
      // Without receiver statistics, the element's own count of presented frames is the next best thing.
      return { framesDecoded: framesDecoded ?? player.video.getVideoPlaybackQuality().totalVideoFrames };
    },
  };
  (window as Window & { stagecast?: WatchDebugHandle }).stagecast = handle;
}

void start();
