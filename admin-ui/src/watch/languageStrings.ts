/** The watch page's words about languages in standard-latency (HLS) mode, in one place to translate. */
export const HLS_LANGUAGE_STRINGS = {
  /** The picker's tooltip where the browser's own HLS player cannot switch the sound. */
  floorOnly: 'This browser plays the floor only in standard latency',
} as const;
