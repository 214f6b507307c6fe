import '../styles/page.css';
import type { StageSocket } from '../lib/signaling';
import { element } from '../lib/dom';
import { failureCode, failureText, isTokenRefused } from '../lib/failureText';
import { stageRouteOf } from '../lib/route';
import { Placement } from '../lib/placement';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { StagePublisher, type SpeakState } from './StagePublisher';
import { mediaUnavailable, openUserMedia } from '../lib/userMedia';
import { ApiClient } from '../lib/api';
import { PageFailure } from '../lib/pageFailure';
import { loadPageEvent, mountLocaleMenu, presentEvent } from '../lib/pageEvent';
import { bindStaticText, bindText } from '../i18n/dom';
import { initLocale } from '../i18n/pageLocale';
import { live } from '../i18n/messages/live';
import { speak } from '../i18n/messages/speak';

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface SpeakDebugHandle {
  readonly socket: StageSocket;
  readonly state: SpeakState;
  readonly producerIds: string[];
}

const STATE_TEXT: Record<SpeakState, () => string> = {
  starting: () => live.t('state.startingCamera'),
  connecting: () => live.t('state.connecting'),
  'on-air': () => speak.t('state.onAir'),
  reconnecting: () => live.t('state.reconnecting'),
  failed: () => speak.t('state.notOnAir'),
};

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const stageTitle = element('stage-title', HTMLElement);
const preview = element('preview', HTMLVideoElement);
const shareButton = element('share-screen', HTMLButtonElement);

let currentState: SpeakState = 'starting';
let sharing = false;

function showState(state: SpeakState, error?: Error): void {
  currentState = state;
  status.dataset.state = state;
  bindText(status, STATE_TEXT[state]);
  bindText(detail, () => (error ? speakFailureText(error) : ''));
  updateShareButton();
}

function speakFailureText(error: Error): string {
  // Refused here means the link is a viewer's, not a speaker's invitation.
  if (failureCode(error) === 'forbidden') return speak.t('failure.notSpeaker');
  return failureText(error);
}

function updateShareButton(): void {
  bindText(shareButton, () => speak.t(sharing ? 'share.stop' : 'share.start'));
  shareButton.disabled = currentState !== 'on-air';
}

async function openCamera(): Promise<MediaStream> {
  try {
    return await openUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
      audio: { echoCancellation: true, noiseSuppression: true },
    });
  } catch (error) {
    throw mediaUnavailable(error);
  }
}

function wireScreenShare(publisher: StagePublisher): void {
  // Phones have no screen capture: offer only what works.
  if (typeof navigator.mediaDevices.getDisplayMedia !== 'function') {
    shareButton.hidden = true;
    return;
  }
  shareButton.addEventListener('click', () => {
    if (sharing) {
      void publisher.stopScreen();
      return;
    }
    navigator.mediaDevices
      .getDisplayMedia({ video: true, audio: false })
      .then((stream) => publisher.shareScreen(stream))
      .catch((error: unknown) => {
        // Cancelling the browser's picker lands here too: not worth more than a line.
        const reason = error instanceof Error ? error.message : String(error);
        bindText(detail, () => speak.t('share.failed', { reason }));
      });
  });
}

async function start(): Promise<void> {
  initLocale();
  bindStaticText(document, speak);
  mountLocaleMenu(status.parentElement ?? document.body, status);
  const route = stageRouteOf(window.location.pathname, 'speak');
  if (!route) {
    showState('failed', new PageFailure('no_stage', 'this address names no stage'));
    return;
  }
  stageTitle.textContent = `${route.eventId} · ${route.stageId}`;
  showState('starting');
  let camera: MediaStream;
  let token: PageToken;
  try {
    camera = await openCamera();
    preview.srcObject = camera;
    token = await acquireToken(route.eventId);
  } catch (error) {
    showState('failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  void loadPageEvent(new ApiClient(token), route.eventId, route.stageId).then((found) => {
    if (found) presentEvent(found, { heading: stageTitle, pageName: () => speak.t('page.name') });
  });
  // In a cluster, speakers connect to the node their stage's sources live on (its origin).
  const placement = new Placement(route, token);
  const publisher = new StagePublisher(
    route,
    token,
    camera,
    {
      state: (state, error) => {
        if (error && isTokenRefused(error)) forgetToken(route.eventId);
        showState(state, error);
      },
      sharing: (active) => {
        sharing = active;
        updateShareButton();
      },
    },
    { url: await placement.next(), placement },
  );
  wireScreenShare(publisher);
  window.addEventListener('pagehide', () => {
    publisher.connection.close();
    for (const track of camera.getTracks()) track.stop();
  });

  const handle: SpeakDebugHandle = {
    get socket() {
      return publisher.connection.socket;
    },
    get state() {
      return publisher.state;
    },
    get producerIds() {
      return publisher.producerIds;
    },
  };
  (window as Window & { stagecast?: SpeakDebugHandle }).stagecast = handle;
}

void start();
