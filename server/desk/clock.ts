/** Milliseconds since the epoch; the desk's services take one so tests can move time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export function isoAt(clock: Clock): string {
  return new Date(clock()).toISOString();
}
