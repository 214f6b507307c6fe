import '../styles/page.css';
import type { ProgramChange } from '../../../signaling/contract';
import { ApiClient } from '../lib/api';
import { element } from '../lib/dom';
import { stageRouteOf } from '../lib/route';
import { ProgramPlayer } from '../watch/ProgramPlayer';
import { lowerThirdDetail, lowerThirdHeadline } from '../lib/lowerThird';
import { failureText } from '../lib/failureText';
import { PageFailure } from '../lib/pageFailure';
import { loadPageEvent, presentEvent } from '../lib/pageEvent';
import { bindStaticText, bindText } from '../i18n/dom';
import { localeOfTag, setCurrentLocale } from '../i18n/locale';
import { initLocale } from '../i18n/pageLocale';
import { embed } from '../i18n/messages/embed';
import { live } from '../i18n/messages/live';

/** How often the lower-third is read again: the player is seconds behind anyway. */
const PROGRAM_POLL_MS = 5000;

const video = element('program', HTMLVideoElement);
const unmuteButton = element('unmute', HTMLButtonElement);
const player = new ProgramPlayer(video, unmuteButton);
const message = element('screen-message', HTMLElement);
const lowerThirdBox = element('lower-third', HTMLElement);
const lowerThirdName = element('lower-third-name', HTMLElement);
const lowerThirdInfo = element('lower-third-info', HTMLElement);

/** What the picture says (nothing once it plays), in the page's language, again after a change of language. */
function say(text: () => string): void {
  bindText(message, text);
  message.hidden = text() === '';
}

function showLowerThird(lowerThird: ProgramChange['lowerThird']): void {
  lowerThirdBox.hidden = !lowerThird;
  // Names come from organisers: text only, never markup.
  bindText(lowerThirdName, () => lowerThirdHeadline(lowerThird));
  bindText(lowerThirdInfo, () => lowerThirdDetail(lowerThird));
}

/**
 * The player a partner platform puts in an iframe: the stage's HLS stream (CDN-friendly, no WebRTC
 * seat) with the lower-third. A private event's embed carries an access token of the event in its
 * address (`?token=`); the page trades it for the stream's playback URL and never sends it anywhere else.
 */
async function start(): Promise<void> {
  // No language menu here: the player sits inside a partner's page, which has its own and may say it
  // in the address (`?lang=zh-CN`). Otherwise the player follows the viewer's choice made on another
  // stagecast page, the browser, then the event's default.
  initLocale();
  const asked = localeOfTag(new URLSearchParams(window.location.search).get('lang') ?? '');
  if (asked) setCurrentLocale(asked);
  bindStaticText(document, embed);
  bindText(unmuteButton, () => live.t('player.unmute'));
  const route = stageRouteOf(window.location.pathname, 'embed');
  if (!route) {
    const failure = new PageFailure('no_stage', 'this address names no stage');
    say(() => failureText(failure));
    return;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  const api = new ApiClient(token);
  void loadPageEvent(api, route.eventId, route.stageId).then((found) => {
    if (found) presentEvent(found, { followEventDefault: asked === undefined });
  });
  const stage = `/api/events/${encodeURIComponent(route.eventId)}/stages/${encodeURIComponent(route.stageId)}`;
  try {
    const { url } = await api.get<{ url: string | null }>(`${stage}/hls`);
    if (!url) {
      say(() => embed.t('screen.private'));
      return;
    }
    video.addEventListener('playing', () => say(() => ''));
    await player.playHls(url);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    say(() => embed.t('screen.cannotPlay', { reason: failureText(failure) }));
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
