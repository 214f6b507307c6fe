import type { StageLanguages } from '../../../signaling/contract';
import { onLocaleChange } from '../i18n/locale';
import { live } from '../i18n/messages/live';
import { watch } from '../i18n/messages/watch';
import { languageName } from '../lib/languageNames';
import { LanguagePlayer } from '../lib/LanguagePlayer';
import type { HlsAudio } from './hlsAudio';
import type { StageViewer } from './StageViewer';

/** The viewer's choice, remembered for the next visit (any stage that has that channel). */
const LANGUAGE_KEY = 'stagecast.language';

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

function remember(language: string | null): void {
  try {
    if (language === null) localStorage.removeItem(LANGUAGE_KEY);
    else localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // Storage disabled: the choice lasts for this visit.
  }
}

/**
 * The watch page's language picker: the floor, or one of the stage's interpretation channels. Choosing
 * one keeps the program's picture and turns the floor down to the stage's level under the interpreter.
 * Over HLS the same choice picks the stream's audio rendition of that language (the server mixes the
 * floor under it). Refreshed after each join, when the HLS stream's renditions become known, when the
 * agenda of the stage changes and when a booth changes.
 */
export function mountLanguagePicker(
  viewer: StageViewer,
  select: HTMLSelectElement,
  box: HTMLElement,
  floor: HTMLMediaElement,
  hlsAudio: HlsAudio,
): LanguagePlayer {
  const player = new LanguagePlayer(box, floor);
  viewer.languages.onTracks((language, tracks) => player.show(language, tracks));
  let wanted = storedLanguage();
  /** The last answer, shown again in the new language when the viewer changes the page's. */
  let shown: StageLanguages | null = null;

  const render = (languages: StageLanguages): void => {
    shown = languages;
    player.floorLevel = languages.floorLevel;
    box.hidden = languages.interpretationLanguages.length === 0;
    const floorName =
      languages.floorLanguage === null
        ? live.t('language.floorOriginal')
        : live.t('language.floorIn', { language: languageName(languages.floorLanguage) });
    const options = [new Option(floorName, '')];
    for (const booth of languages.booths) {
      const name = languageName(booth.language);
      options.push(new Option(booth.liveParticipantId === null ? live.t('language.unstaffed', { language: name }) : name, booth.language));
    }
    select.replaceChildren(...options);
    const available = wanted !== null && languages.interpretationLanguages.includes(wanted);
    select.value = available ? (wanted ?? '') : '';
    // Over HLS the page switches renditions where its player can (hls.js; a browser's own player only with audioTracks).
    select.disabled = viewer.connection.mode === 'hls' && !hlsAudio.switchable;
    select.title = select.disabled ? watch.t('language.floorOnlyHls') : '';
    const choice = available ? wanted : null;
    hlsAudio.choose(choice);
    if (choice !== viewer.languages.language) void viewer.languages.choose(choice);
  };
  const refresh = (): void => {
    viewer.connection
      .request('getLanguages', {})
      .then(render)
      .catch((error: unknown) => console.info('stagecast: languages not available yet', error));
  };
  select.addEventListener('change', () => {
    wanted = select.value === '' ? null : select.value;
    remember(wanted);
    hlsAudio.choose(wanted);
    void viewer.languages.choose(wanted);
  });
  onLocaleChange(() => {
    if (shown) render(shown);
  });
  hlsAudio.onTracks(() => refresh());
  viewer.onJoined(async () => refresh());
  viewer.connection.on('boothUpdated', () => refresh());
  viewer.connection.on('agendaChanged', () => refresh());
  return player;
}
