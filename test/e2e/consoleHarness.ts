import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../server/auth/tokens';
import { launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

/** Screenshots of every view land here (git-ignored), to be looked at after a run. */
export const ARTIFACTS_DIR = path.join(__dirname, '../../test-artifacts');

interface OpenPage {
  page: Page;
  name: string;
  log: string[];
  /** Uncaught errors and console errors: a run must end with none (beyond those a test expects). */
  problems: string[];
}

/**
 * One stagecast server process and one Chromium for a test file, with pages that record what they log.
 * Every page gets a browser context of its own (its own sessionStorage, so its own participant).
 */
export class ConsoleHarness {
  server: ServerProcess | null = null;
  browser: Browser | null = null;
  readonly #contexts: BrowserContext[] = [];
  readonly #pages: OpenPage[] = [];
  /** Console errors a test provoked on purpose (a refused request), matched and counted. */
  readonly #expected: { pattern: RegExp; seen: number }[] = [];

  constructor(
    /** The browser's own switches (e.g. `--lang=zh-CN`) and its pages' default language (e.g. 'zh-CN'). */
    private readonly options: { chromiumArgs?: readonly string[]; locale?: string } = {},
  ) {}

  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    // Started together; each kept as soon as it is up, so stop() cleans up whichever did start.
    // TZ=UTC: the demo event takes the server's time zone, and these tests plan its day in UTC.
    const [started, launched] = await Promise.allSettled([
      startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1', TZ: 'UTC', ...env }),
      launchChromium(this.options.chromiumArgs),
    ]);
    if (started.status === 'fulfilled') this.server = started.value;
    if (launched.status === 'fulfilled') this.browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  }

  get origin(): string {
    assert.ok(this.server, 'the server is running');
    return this.server.url;
  }

  /** Opens `pathAndQuery` in a fresh browser context of the given size (and language: the harness's unless given). */
  async open(
    pathAndQuery: string,
    name: string,
    viewport: { width: number; height: number } = { width: 1440, height: 900 },
    locale: string | undefined = this.options.locale,
  ): Promise<Page> {
    assert.ok(this.browser, 'the browser is running');
    const context = await newMediaContext(this.browser, this.origin, { locale });
    this.#contexts.push(context);
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const entry: OpenPage = { page, name, log: [], problems: [] };
    page.on('console', (message) => {
      const line = `[${name}] ${message.type()}: ${message.text()}`;
      entry.log.push(line);
      if (message.type() === 'error' && !this.#isExpected(message.text())) entry.problems.push(line);
    });
    page.on('pageerror', (error) => {
      const line = `[${name}] uncaught: ${error.message}`;
      entry.log.push(line);
      entry.problems.push(line);
    });
    page.on('requestfailed', (request) =>
      entry.log.push(`[${name}] request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
    this.#pages.push(entry);
    await page.goto(`${this.origin}${pathAndQuery}`);
    return page;
  }

  /** The console signed in with a `?token=` link for `role`, on the view named by `hash` (e.g. `#/agenda`). */
  openConsole(role: Role, hash: string, name: string = role, locale?: string): Promise<Page> {
    const path = `/admin?token=${encodeURIComponent(tokenFor(role, 'demo', `${name} (test)`))}${hash}`;
    return this.open(path, `console ${name}`, undefined, locale ?? this.options.locale);
  }

  /** Allows console errors matching `pattern` (the browser logs every refused request as one). */
  expectConsoleError(pattern: RegExp): { seen(): number } {
    const entry = { pattern, seen: 0 };
    this.#expected.push(entry);
    return { seen: () => entry.seen };
  }

  #isExpected(text: string): boolean {
    const match = this.#expected.find((e) => e.pattern.test(text));
    if (match) match.seen += 1;
    return match !== undefined;
  }

  /** Uncaught errors and unexpected console errors of every page opened so far. */
  problems(): string[] {
    return this.#pages.flatMap((p) => p.problems);
  }

  async screenshot(page: Page, file: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, file) });
  }

  /** A REST call as `role`, answering the parsed JSON (or undefined for 204). */
  async api<T>(role: Role, method: string, apiPath: string, body?: object): Promise<T> {
    const response = await fetch(`${this.origin}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${tokenFor(role, 'demo', `${role} (test)`)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Deletes every session of the demo event. The demo seed plans today's programme on its stages; a
   * file that plans its own sessions there (at fixed hours, or around now) starts from an empty day.
   */
  async clearDemoAgenda(): Promise<void> {
    for (const session of await this.api<{ id: string }[]>('admin', 'GET', '/api/events/demo/sessions')) {
      await this.api('admin', 'DELETE', `/api/events/demo/sessions/${session.id}`);
    }
  }

  /** Everything worth printing when a test failed: each page's state and log, and the server's output. */
  async diagnostics(): Promise<string> {
    const lines: string[] = [];
    for (const entry of this.#pages) {
      lines.push(await pageDiagnostics(entry.page));
      lines.push(...entry.log);
    }
    lines.push(`--- server output (tail) ---\n${this.server?.output().split('\n').slice(-40).join('\n') ?? ''}`);
    return lines.join('\n');
  }

  /** Closes every page, the browser and the server; every step runs even if an earlier one fails, and all failures are reported. */
  async stop(): Promise<void> {
    const teardown = new Teardown();
    const { browser, server } = this;
    if (server) teardown.add('the server', () => server.dispose());
    if (browser) teardown.add('chromium', () => browser.close());
    for (const context of this.#contexts) teardown.add('a browser context', () => context.close());
    await teardown.run();
  }
}

/** Today in UTC as YYYY-MM-DD (the harness runs the server with TZ=UTC: the demo event's time zone is UTC). */
export function todayUtc(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
