import '../styles/page.css';
import type { ProgramChange, SourceInfo } from '../../../signaling/contract';
import type { StageSocket } from '../lib/signaling';
import { element } from '../lib/dom';
import { failureText, isTokenRefused } from '../lib/failureText';
import { stageRouteOf } from '../lib/route';
import { acquireToken, forgetToken } from '../lib/token';
import { ProgramPlayer } from './ProgramPlayer';
import { StageViewer, type WatchState } from './StageViewer';

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface WatchDebugHandle {
  readonly socket: StageSocket;
  readonly state: WatchState;
  readonly peerId: string | null;
  videoStats(): Promise<{ framesDecoded: number }>;
}

const STATE_TEXT: Record<WatchState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'no-source': 'No source on air',
  failed: 'Not connected',
};

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const stageTitle = element('stage-title', HTMLElement);
const programLabel = element('program-label', HTMLElement);
const lowerThirdName = element('lower-third-name', HTMLElement);
const lowerThirdInfo = element('lower-third-info', HTMLElement);
const lowerThirdBox = element('lower-third', HTMLElement);
const player = new ProgramPlayer(element('program', HTMLVideoElement), element('unmute', HTMLButtonElement));

function showState(state: WatchState, error?: Error): void {
  status.dataset.state = state;
  status.textContent = STATE_TEXT[state];
  detail.textContent = error ? failureText(error) : '';
}

function showProgram(source: SourceInfo | null, tracks: MediaStreamTrack[], lowerThird: ProgramChange['lowerThird']): void {
  // Labels and names come from participants and organisers: text only, never markup.
  programLabel.textContent = source ? source.label : '';
  lowerThirdBox.hidden = !lowerThird;
  lowerThirdName.textContent = lowerThird?.speakerName ?? '';
  lowerThirdInfo.textContent = lowerThird
    ? [[lowerThird.speakerTitle, lowerThird.organisation].filter(Boolean).join(', '), lowerThird.sessionTitle].filter(Boolean).join(' · ')
    : '';
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
  let token: string;
  try {
    token = await acquireToken(route.eventId);
  } catch (error) {
    showState('failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const viewer = new StageViewer(route, token, {
    state: (state, error) => {
      if (error && isTokenRefused(error)) forgetToken(route.eventId);
      showState(state, error);
    },
    program: showProgram,
  });
  window.addEventListener('pagehide', () => viewer.session.close());

  const handle: WatchDebugHandle = {
    socket: viewer.session.socket,
    get state() {
      return viewer.state;
    },
    get peerId() {
      return viewer.session.peerId;
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
