import type { Browser, BrowserContext, Page } from 'playwright-core';

export { launchChromium } from '../../scripts/lib/browser';

/**
 * A fresh browser profile (cookies, sessionStorage) allowed to use the camera and microphone on `origin`.
 * `locale`: the profile's language (`navigator.languages`, `Accept-Language`), e.g. `zh-CN`.
 */
export async function newMediaContext(browser: Browser, origin: string, { locale }: { locale?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 960, height: 640 }, ...(locale ? { locale } : {}) });
  await context.grantPermissions(['camera', 'microphone'], { origin });
  return context;
}

/** What a page logs to its console and every uncaught error, to print when a test fails. */
export function collectPageLog(page: Page, name: string): string[] {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`[${name}] ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[${name}] pageerror: ${error.message}`));
  page.on('requestfailed', (request) => lines.push(`[${name}] request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return lines;
}

/** `window.stagecast` of the watch page, as far as tests read it. */
export interface WatchPageHandle {
  socket: { connected: boolean; io: { engine: { close(): void } } };
  state: string;
  peerId: string | null;
  videoStats(): Promise<{ framesDecoded: number }>;
}

/** `window.stagecast` of the speak page, as far as tests read it. */
export interface SpeakPageHandle {
  socket: { connected: boolean };
  state: string;
  producerIds: string[];
}

// The functions below run inside the page. They only touch `globalThis` (the page's window) and are
// written without inner named functions, which the TypeScript loader would wrap in helpers the page
// does not have.

export async function watchState(page: Page): Promise<{ state: string; peerId: string | null } | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: WatchPageHandle }).stagecast;
    return handle ? { state: handle.state, peerId: handle.peerId } : null;
  });
}

export async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const handle = (globalThis as unknown as { stagecast?: WatchPageHandle }).stagecast;
    if (!handle) return 0;
    return (await handle.videoStats()).framesDecoded;
  });
}

export async function speakState(page: Page): Promise<{ state: string; producerIds: string[] } | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: SpeakPageHandle }).stagecast;
    return handle ? { state: handle.state, producerIds: handle.producerIds } : null;
  });
}

/** What a page shows and holds, to print when a test fails: state, and the tracks its `<video>` plays. */
export async function pageDiagnostics(page: Page): Promise<string> {
  if (page.isClosed()) return `${page.url()}: closed`;
  const snapshot = await page
    .evaluate(() => {
      const scope = globalThis as unknown as {
        stagecast?: { state: string; peerId?: string | null; producerIds?: string[] };
        document: { querySelector(selector: string): unknown };
      };
      const video = scope.document.querySelector('video') as {
        readyState: number;
        videoWidth: number;
        paused: boolean;
        muted: boolean;
        srcObject: { getTracks(): { kind: string; readyState: string; muted: boolean }[] } | null;
      } | null;
      return {
        state: scope.stagecast?.state ?? null,
        peerId: scope.stagecast?.peerId ?? null,
        producerIds: scope.stagecast?.producerIds ?? null,
        video: video && {
          readyState: video.readyState,
          width: video.videoWidth,
          paused: video.paused,
          muted: video.muted,
          tracks: (video.srcObject?.getTracks() ?? []).map((t) => `${t.kind}:${t.readyState}${t.muted ? ':muted' : ''}`),
        },
      };
    })
    .catch((error: unknown) => String(error));
  return `${page.url()}: ${JSON.stringify(snapshot)}`;
}

/** Drops the page's signaling connection at the transport level, as a network blip would. */
export async function dropSignaling(page: Page): Promise<void> {
  await page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: WatchPageHandle }).stagecast;
    if (!handle) throw new Error('the page exposes no window.stagecast');
    handle.socket.io.engine.close();
  });
}

/** Where a watch page is connected and what it plays. */
export async function watchPlacement(page: Page): Promise<{ nodeUrl: string; programSourceId: string | null; state: string } | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: { nodeUrl: string; programSourceId: string | null; state: string } }).stagecast;
    return handle ? { nodeUrl: handle.nodeUrl, programSourceId: handle.programSourceId, state: handle.state } : null;
  });
}

/**
 * Starts recording every text the page's `#status` shows, in order (a MutationObserver in the page):
 * a state the page passes through is seen however briefly it lasts, which polling cannot promise.
 */
export async function recordStatusTexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = globalThis as unknown as {
      document: { getElementById(id: string): { textContent: string | null } | null };
      MutationObserver: new (callback: (records: { addedNodes: ArrayLike<{ textContent: string | null }> }[]) => void) => {
        observe(target: unknown, options: object): void;
      };
      stagecastStatusTexts?: string[];
    };
    const status = scope.document.getElementById('status');
    if (!status) throw new Error('the page has no #status');
    const texts: string[] = [status.textContent ?? ''];
    scope.stagecastStatusTexts = texts;
    new scope.MutationObserver((records) => {
      for (const record of records) for (const node of Array.from(record.addedNodes)) texts.push(node.textContent ?? '');
    }).observe(status, { childList: true, subtree: true, characterData: true });
  });
}

/** The texts `#status` has shown since `recordStatusTexts`, oldest first. */
export async function statusTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { stagecastStatusTexts?: string[] }).stagecastStatusTexts ?? []);
}
