/**
 * The audio renditions of a stage's HLS stream: the floor, and one per interpretation language. Told
 * to the egress by the composition root (the languages are stage settings, which media does not read).
 */
export interface StageLanguages {
  /** What the floor speaks (BCP 47); null when the stage does not say. */
  floor: string | null;
  /** The interpretation channels, in the stage's order. */
  channels: readonly string[];
  /** How loud the floor stays under a channel (0–1), as on the watch page. */
  floorLevel: number;
}

export const NO_LANGUAGES: StageLanguages = { floor: null, channels: [], floorLevel: 0 };

/** One audio rendition as the master playlist lists it. */
export interface AudioRendition {
  /** Path segment it is served under (`audio-floor`, `audio-en-gb`): never a ladder name, which has no hyphen. */
  name: string;
  /** BCP 47; null for a floor whose language the stage does not say. */
  language: string | null;
  /** Human-readable, in its own language (RFC 8216 asks NAME to be in the rendition's language). */
  displayName: string;
  isFloor: boolean;
}

export const FLOOR_RENDITION = 'audio-floor';

export function channelRenditionName(language: string): string {
  return `audio-${language.toLowerCase()}`;
}

/** A language's name in that language (`中文`, `français`); the tag itself where the runtime has no name for it. */
export function autonym(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The stage's audio renditions, floor first; none when the stage has no interpretation channel (its
 * HLS stream then stays as it always was: the floor muxed into every video rendition).
 */
export function audioRenditions(languages: StageLanguages): AudioRendition[] {
  if (languages.channels.length === 0) return [];
  const floor: AudioRendition = {
    name: FLOOR_RENDITION,
    language: languages.floor,
    displayName: languages.floor === null ? 'Floor' : autonym(languages.floor),
    isFloor: true,
  };
  return [
    floor,
    ...languages.channels.map((language) => ({
      name: channelRenditionName(language),
      language,
      displayName: autonym(language),
      isFloor: false,
    })),
  ];
}

/**
 * Whether new settings give the encoder other work (other channels, another mix): it then restarts. The
 * floor's language alone only changes what the master playlist says.
 */
export function encoderWorkChanged(a: StageLanguages, b: StageLanguages): boolean {
  return !(
    a.floorLevel === b.floorLevel &&
    a.channels.length === b.channels.length &&
    a.channels.every((tag, i) => tag.toLowerCase() === b.channels[i]?.toLowerCase())
  );
}
