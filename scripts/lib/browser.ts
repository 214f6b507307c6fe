import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with fake camera and microphone; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** `extraArgs`: more switches, e.g. `--host-resolver-rules=MAP stagecast.test 127.0.0.1` for a page on a host name. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Resolves once a watch page (`window.stagecast`) has decoded its first video frame; polls every `pollMs`. */
export async function firstDecodedFrame(page: Page, pollMs: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    async () => {
      const client = (globalThis as unknown as { stagecast?: { videoStats(): Promise<{ framesDecoded: number }> } }).stagecast;
      return client ? (await client.videoStats()).framesDecoded > 0 : false;
    },
    undefined,
    { polling: pollMs, timeout: timeoutMs },
  );
}
