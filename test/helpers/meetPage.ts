import type { Page } from 'playwright-core';
import { waitFor } from './net';

/** One other participant's tile on the meeting page, as its `window.stagecast` tells. */
export interface MeetTile {
  label: string;
  framesDecoded: number;
  width: number;
  audioTracks: number;
  /** 'none', or the video track's state ('live', 'live:muted' while nothing reaches it). */
  videoTrack: string;
}

interface MeetPageHandle {
  state: string;
  tiles(): MeetTile[];
  receiveStats(): Promise<unknown>;
}

/** Each consumer's inbound counters on the page, for a failure's message. */
async function receiveStats(page: Page): Promise<string> {
  const stats = await page.evaluate(async () => {
    const handle = (globalThis as unknown as { stagecast?: MeetPageHandle }).stagecast;
    return handle ? handle.receiveStats() : null;
  });
  return JSON.stringify(stats);
}

/** The meeting page's state and tiles; null before the page has started. */
export async function meetState(page: Page): Promise<{ state: string; tiles: MeetTile[] } | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: MeetPageHandle }).stagecast;
    return handle ? { state: handle.state, tiles: handle.tiles() } : null;
  });
}

/** The page in the meeting, showing exactly one other participant whose video it decodes beyond `frames`, with their sound. */
export async function decodesTheOther(page: Page, frames = 10): Promise<MeetTile> {
  return waitFor(
    async () => {
      const state = await meetState(page);
      if (state?.state !== 'on-air') throw new Error(`the page is ${state?.state ?? 'not started'}`);
      if (state.tiles.length !== 1) throw new Error(`the page shows ${state.tiles.length} other participants`);
      const [tile] = state.tiles;
      if (tile.framesDecoded <= frames || tile.width === 0 || tile.audioTracks !== 1) {
        throw new Error(`the other's media: ${JSON.stringify(tile)}; received: ${await receiveStats(page)}`);
      }
      return tile;
    },
    { what: "the meeting page decoding the other side's camera", timeoutMs: 30_000 },
  );
}
