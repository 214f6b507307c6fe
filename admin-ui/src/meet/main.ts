import '../styles/meet.css';
import { element } from '../lib/dom';
import { failureCode, failureText, isTokenRefused } from '../lib/failureText';
import { Placement } from '../lib/placement';
import type { StageRoute } from '../lib/route';
import { acquireToken, forgetToken, type PageToken } from '../lib/token';
import { InsecurePageError, openUserMedia } from '../lib/userMedia';
import { StagePublisher, type SpeakState } from '../speak/StagePublisher';
import { RoomViewer, type RoomTile } from './RoomViewer';

/** What end-to-end tests read from the page (`window.stagecast`). */
export interface MeetDebugHandle {
  readonly state: SpeakState;
  readonly producerIds: string[];
  /** Each other participant's tile: its label, the frames its video element decoded, its live sound tracks. */
  tiles(): { label: string; framesDecoded: number; width: number; audioTracks: number }[];
}

const STATE_TEXT: Record<SpeakState, string> = {
  starting: 'Starting camera…',
  connecting: 'Connecting…',
  'on-air': 'In the meeting',
  reconnecting: 'Reconnecting…',
  failed: 'Not in the meeting',
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
  status.textContent = STATE_TEXT[state];
  detail.textContent = error ? meetFailureText(error) : '';
}

function meetFailureText(error: Error): string {
  const code = failureCode(error);
  if (code === 'forbidden') return `This room is for the meeting's delegates, at its time: ${error.message}.`;
  // The server says why: the meeting is over, was cancelled, or is held on site.
  if (code === 'not_found') return `There is no room to join: ${error.message}.`;
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
    if (caption) caption.textContent = tile.label;
    if (entry.video.srcObject !== tile.stream) entry.video.srcObject = tile.stream;
  }
  waiting.hidden = tiles.length > 0;
}

async function start(): Promise<void> {
  const route = roomRouteOf(window.location.pathname);
  if (!route) {
    showState('failed', new Error('this address names no meeting'));
    return;
  }
  showState('starting');
  let camera: MediaStream;
  let token: PageToken;
  try {
    camera = await openUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
      audio: { echoCancellation: true, noiseSuppression: true },
    });
    preview.srcObject = camera;
    token = await acquireToken(route.eventId);
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    showState('failed', reason instanceof InsecurePageError ? reason : new Error(`camera or microphone unavailable (${reason.message})`));
    return;
  }
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
    { url: await placement.next(), placement },
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
      })),
  };
  (window as Window & { stagecast?: MeetDebugHandle }).stagecast = handle;
}

void start();
