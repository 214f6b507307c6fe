import '../styles/meet.css';
import { element } from '../lib/dom';
import { failureCode, failureText, isTokenRefused } from '../lib/failureText';
import { Placement } from '../lib/placement';
import type { StageRoute } from '../lib/route';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { mediaUnavailable, openUserMedia } from '../lib/userMedia';
import { ApiClient } from '../lib/api';
import { PageFailure } from '../lib/pageFailure';
import { loadPageEvent, mountLocaleMenu, presentEvent } from '../lib/pageEvent';
import { bindStaticText, bindText } from '../i18n/dom';
import { initLocale } from '../i18n/pageLocale';
import { live } from '../i18n/messages/live';
import { meet } from '../i18n/messages/meet';
import { StagePublisher, type SpeakState } from '../speak/StagePublisher';
import { RoomViewer, type RoomTile } from './RoomViewer';

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface MeetDebugHandle {
  readonly state: SpeakState;
  readonly producerIds: string[];
  /** Each other participant's tile: its label, the frames its video element decoded, its live sound tracks. */
  tiles(): { label: string; framesDecoded: number; width: number; audioTracks: number; videoTrack: string }[];
  /** Each consumer's inbound counters (packets, frames, key frames, PLIs sent). */
  receiveStats(): Promise<{ kind: string; stats: Record<string, unknown> }[]>;
}

const STATE_TEXT: Record<SpeakState, () => string> = {
  starting: () => live.t('state.startingCamera'),
  connecting: () => live.t('state.connecting'),
  'on-air': () => meet.t('state.inMeeting'),
  reconnecting: () => live.t('state.reconnecting'),
  failed: () => meet.t('state.notInMeeting'),
};

const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const waiting = element('waiting', HTMLElement);
const tilesBox = element('tiles', HTMLElement);
const preview = element('preview', HTMLVideoElement);

/** The video elements of the other participants' tiles, by source id. */
const tileVideos = new Map<string, { figure: HTMLElement; video: HTMLVideoElement }>();

// A meeting id is a UUID: `/meet/:eventId/:meetingId`.
const MEET_PATH = /^\/meet\/([a-z0-9][a-z0-9-]{0,63})\/([0-9a-f-]{36})\/?$/;

function roomRouteOf(pathname: string): StageRoute | null {
  const match = MEET_PATH.exec(pathname);
  if (!match?.[1] || !match[2]) return null;
  return { eventId: match[1], stageId: `meeting-${match[2]}` };
}

function showState(state: SpeakState, error?: Error): void {
  status.dataset.state = state;
  bindText(status, STATE_TEXT[state]);
  bindText(detail, () => (error ? meetFailureText(error) : ''));
}

function meetFailureText(error: Error): string {
  const code = failureCode(error);
  // The server says why (the meeting is over, was cancelled, or is held on site), without the request's name.
  const reason = error.message.replace(/^\w+: /, '');
  if (code === 'forbidden') return meet.t('failure.notYours', { reason });
  if (code === 'not_found') return meet.t('failure.noRoom', { reason });
  return failureText(error);
}

function showTiles(tiles: RoomTile[]): void {
  const shown = new Set(tiles.map((t) => t.sourceId));
  for (const [sourceId, { figure }] of tileVideos) {
    if (shown.has(sourceId)) continue;
    figure.remove();
    tileVideos.delete(sourceId);
  }
  for (const tile of tiles) {
    let entry = tileVideos.get(tile.sourceId);
    if (!entry) {
      const figure = document.createElement('figure');
      figure.className = 'tile';
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      const caption = document.createElement('figcaption');
      figure.append(video, caption);
      tilesBox.append(figure);
      entry = { figure, video };
      tileVideos.set(tile.sourceId, entry);
    }
    const caption = entry.figure.querySelector('figcaption');
    const label = tile.label;
    if (caption) bindText(caption, () => label || meet.t('tile.participant'));
    if (entry.video.srcObject !== tile.stream) entry.video.srcObject = tile.stream;
  }
  waiting.hidden = tiles.length > 0;
}

/** 'none', or the track's state with ':muted' while no media reaches it. */
function trackState(track: MediaStreamTrack | undefined): string {
  return track ? `${track.readyState}${track.muted ? ':muted' : ''}` : 'none';
}

async function start(): Promise<void> {
  initLocale();
  bindStaticText(document, meet);
  mountLocaleMenu(status.parentElement ?? document.body, status);
  const route = roomRouteOf(window.location.pathname);
  if (!route) {
    showState('failed', new PageFailure('no_meeting', 'this address names no meeting'));
    return;
  }
  showState('starting');
  let camera: MediaStream;
  let token: PageToken;
  try {
    camera = await openUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
      audio: { echoCancellation: true, noiseSuppression: true },
    }).catch((error: unknown) => {
      throw mediaUnavailable(error);
    });
    preview.srcObject = camera;
    token = await acquireToken(route.eventId);
  } catch (error) {
    showState('failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  void loadPageEvent(new ApiClient(token), route.eventId).then((found) => {
    if (found) presentEvent(found, { pageName: () => meet.t('page.name') });
  });
  // In a cluster, everyone in the room meets on its origin node.
  const placement = new Placement(route, token);
  let viewer: RoomViewer | null = null;
  const publisher = new StagePublisher(
    route,
    token,
    camera,
    {
      state: (state, error) => {
        if (error && isTokenRefused(error)) forgetToken(route.eventId);
        showState(state, error);
      },
      sharing: () => undefined,
      joined: (join) => viewer?.joined(join) ?? Promise.resolve(),
      resumed: (result) => viewer?.resumed(result) ?? Promise.resolve(),
    },
    { url: await placement.next(), placement, receives: true },
  );
  viewer = new RoomViewer(publisher.connection, { tiles: showTiles });
  window.addEventListener('pagehide', () => {
    publisher.connection.close();
    for (const track of camera.getTracks()) track.stop();
  });

  const handle: MeetDebugHandle = {
    get state() {
      return publisher.state;
    },
    get producerIds() {
      return publisher.producerIds;
    },
    tiles: () =>
      [...tileVideos.values()].map(({ figure, video }) => ({
        label: figure.querySelector('figcaption')?.textContent ?? '',
        framesDecoded: video.getVideoPlaybackQuality().totalVideoFrames,
        width: video.videoWidth,
        audioTracks:
          video.srcObject instanceof MediaStream ? video.srcObject.getAudioTracks().filter((t) => t.readyState === 'live').length : 0,
        videoTrack: trackState(video.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined),
      })),
    receiveStats: () => viewer?.receiveStats() ?? Promise.resolve([]),
  };
  (window as Window & { stagecast?: MeetDebugHandle }).stagecast = handle;
}

void start();
