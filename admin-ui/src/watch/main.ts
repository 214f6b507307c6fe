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
import { lowerThirdDetail } from '../lib/lowerThird';

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

const STATE_TEXT: Record<WatchState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'no-source': 'No source on air',
  failed: 'Not connected',
};

/** What the picture itself says when it cannot show the stage. */
const SCREEN_TEXT: Partial<Record<WatchState, string>> = {
  connecting: 'Connecting to the stage…',
  reconnecting: 'Connection lost. Reconnecting…',
  'no-source': 'The stream will start shortly.',
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
const player = new ProgramPlayer(element('program', HTMLVideoElement), element('unmute', HTMLButtonElement));
const modeBadge = element('mode-badge', HTMLElement);
const modeSwitch = element('mode-switch', HTMLButtonElement);
const modeNote = element('mode-note', HTMLElement);
/** The viewer's own choice of latency, remembered for the next visit. */
const MODE_KEY = 'stagecast.watchMode';

const REFUSAL_TEXT: Record<HlsReason, string> = {
  budget: 'This stage is full for low-latency viewers right now: you watch the standard stream, a few seconds behind.',
  cpu: 'This stage is busy right now: you watch the standard stream, a few seconds behind.',
  crowd: 'Many people are arriving at once: you watch the standard stream, a few seconds behind.',
  unreachable: 'Low-latency video cannot get through your network: you watch the standard stream, a few seconds behind.',
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
  modeBadge.textContent = mode === 'hls' ? 'Standard latency (HLS)' : 'Low latency';
  modeSwitch.textContent = mode === 'hls' ? 'Switch to low latency' : 'Switch to standard latency';
  document.body.dataset.watchMode = mode;
  modeNote.textContent = refusal ? REFUSAL_TEXT[refusal] : '';
  modeNote.hidden = refusal === null;
}

let selfOnAir = false;

function showState(state: WatchState, error?: Error): void {
  status.dataset.state = state;
  status.textContent = STATE_TEXT[state];
  detail.textContent = error ? failureText(error) : '';
  document.body.dataset.watchState = state;
  showScreenMessage(state);
}

function showScreenMessage(state: WatchState): void {
  const text = selfOnAir && state === 'no-source' ? 'You are on air: the audience sees and hears you.' : (SCREEN_TEXT[state] ?? '');
  screenMessage.textContent = text;
  screenMessage.hidden = text === '';
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
  lowerThirdName.textContent = lowerThird?.speakerName ?? '';
  lowerThirdInfo.textContent = lowerThirdDetail(lowerThird);
  player.show(tracks);
}

async function start(): Promise<void> {
  const route = stageRouteOf(window.location.pathname, 'watch');
  if (!route) {
    showState('failed', new Error('this address names no stage'));
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
    onNames: (eventName, stageName) => {
      stageTitle.textContent = stageName;
      eventTitle.textContent = eventName;
      document.title = `${stageName} · ${eventName}`;
    },
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
