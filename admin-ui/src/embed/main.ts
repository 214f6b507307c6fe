import '../styles/page.css';
import type { ProgramChange } from '../../../signaling/contract';
import { ApiClient } from '../lib/api';
import { element } from '../lib/dom';
import { stageRouteOf } from '../lib/route';
import { ProgramPlayer } from '../watch/ProgramPlayer';
import { lowerThirdDetail } from '../lib/lowerThird';

/** How often the lower-third is read again: the player is seconds behind anyway. */
const PROGRAM_POLL_MS = 5000;

const video = element('program', HTMLVideoElement);
const player = new ProgramPlayer(video, element('unmute', HTMLButtonElement));
const message = element('screen-message', HTMLElement);
const lowerThirdBox = element('lower-third', HTMLElement);
const lowerThirdName = element('lower-third-name', HTMLElement);
const lowerThirdInfo = element('lower-third-info', HTMLElement);

function say(text: string): void {
  message.textContent = text;
  message.hidden = text === '';
}

function showLowerThird(lowerThird: ProgramChange['lowerThird']): void {
  lowerThirdBox.hidden = !lowerThird;
  // Names come from organisers: text only, never markup.
  lowerThirdName.textContent = lowerThird?.speakerName ?? '';
  lowerThirdInfo.textContent = lowerThirdDetail(lowerThird);
}

/**
 * The player a partner platform puts in an iframe: the stage's HLS stream (CDN-friendly, no WebRTC
 * seat) with the lower-third. A private event's embed carries an access token of the event in its
 * address (`?token=`); the page trades it for the stream's playback URL and never sends it anywhere else.
 */
async function start(): Promise<void> {
  const route = stageRouteOf(window.location.pathname, 'embed');
  if (!route) {
    say('This address names no stage.');
    return;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  const api = new ApiClient(token);
  const stage = `/api/events/${encodeURIComponent(route.eventId)}/stages/${encodeURIComponent(route.stageId)}`;
  try {
    const { url } = await api.get<{ url: string | null }>(`${stage}/hls`);
    if (!url) throw new Error('this stream is private');
    video.addEventListener('playing', () => say(''));
    await player.playHls(url);
  } catch (error) {
    say(`The stream cannot be played: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const readProgram = async (): Promise<void> => {
    try {
      showLowerThird((await api.get<ProgramChange>(`${stage}/program`)).lowerThird);
    } catch {
      // Kept as it was: the next read may succeed.
    }
  };
  await readProgram();
  window.setInterval(() => void readProgram(), PROGRAM_POLL_MS);
}

void start();
