import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, ok } from '../helpers/api';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { type ServerProcess, startServer } from '../helpers/serverProcess';
import { tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { createOrganisation, DESK, inviteDelegate } from '../integration/desk/deskParties';
import { ARTIFACTS_DIR } from './consoleHarness';
import { type IngestProcess, startIngest } from './ingestProcess';

const EVENT = '/api/events/demo';
/** A catalogue key (`qa.ask`, `state.live`) shown instead of its text. */
const KEY_NAME = /\b[a-z]+\.[a-z][A-Za-z]+\b/;
/** A date as zh-CN writes it in full: 2026年12月3日星期四. */
const ZH_DATE = /^\d{4}年\d{1,2}月\d{1,2}日星期[一二三四五六日]$/;

interface PageEntry {
  page: Page;
  log: string[];
  /** Uncaught errors and console errors. */
  problems: string[];
}

async function bodyText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** The `lang` of the page's `<html>`. */
async function pageLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

async function watchStateOf(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { stagecast?: { state: string } }).stagecast?.state ?? null);
}

describe('the pages in Chinese: a browser asking for zh-CN reads the watch, interpreters’ and desk pages in Chinese', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  const opened: PageEntry[] = [];
  let server: ServerProcess;
  let browser: Browser;
  let ingest: IngestProcess | null = null;

  before(async function () {
    this.timeout(60_000);
    server = teardown.own('the server', await startServer({ RTC_LISTEN_IP: '127.0.0.1', ANNOUNCED_IP: '127.0.0.1' }), (s) => s.dispose());
    // The browser's own language too (`--lang`), not only the profile's: what a Chinese desktop runs.
    browser = teardown.own('chromium', await launchChromium(['--lang=zh-CN']), (b) => b.close());
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const host = new ApiClient(server.url).as(tokenFor('host'));
    ok(await host.patch(`${EVENT}/stages/keynote`, { floorLanguage: 'zh', interpretationLanguages: ['en', 'fr'] }));
    // A session live on the keynote stage now, in place of whatever the demo programme has around now.
    const now = Date.now();
    const sessions = ok<{ id: string; stageId: string; plannedStart: string; plannedEnd: string }[]>(await host.get(`${EVENT}/sessions`));
    for (const session of sessions) {
      const overlaps = Date.parse(session.plannedStart) < now + 3_600_000 && Date.parse(session.plannedEnd) > now - 3_600_000;
      if (session.stageId === 'keynote' && overlaps) ok(await host.delete(`${EVENT}/sessions/${session.id}`), 204);
    }
    const session = ok<{ id: string }>(
      await host.post(`${EVENT}/sessions`, {
        stageId: 'keynote',
        title: '南阳理工学院成果发布：激光熔覆修复技术',
        kind: 'achievement-release',
        speakerIds: [],
        plannedStart: new Date(now - 10 * 60_000).toISOString(),
        plannedEnd: new Date(now + 50 * 60_000).toISOString(),
      }),
      201,
    );
    ok(await host.post(`${EVENT}/sessions/${session.id}/start`));
    ingest = startIngest(server.url, 'demo/keynote');
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const { page, log } of opened) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
    console.log(ingest?.output() ?? '', server.output().split('\n').slice(-40).join('\n'));
  });

  after(async function () {
    this.timeout(60_000);
    await ingest?.stop();
    await teardown.run();
  });

  async function openPage(pathname: string, name: string): Promise<PageEntry> {
    const context = teardown.own(`the ${name} context`, await newMediaContext(browser, server.url, { locale: 'zh-CN' }), (c) => c.close());
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const entry: PageEntry = { page, log: collectPageLog(page, name), problems: [] };
    page.on('pageerror', (error) => entry.problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') entry.problems.push(message.text());
    });
    opened.push(entry);
    await page.goto(`${server.url}${pathname}`);
    return entry;
  }

  async function screenshot(page: Page, file: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, file), fullPage: true });
  }

  it('the watch page speaks Chinese, writes dates the Chinese way, and switches to English without a reload (remembered)', async () => {
    const { page, problems } = await openPage('/watch/demo/keynote', 'watch');
    await waitFor(async () => ((await watchStateOf(page)) === 'live' ? true : undefined), {
      what: 'the watch page live',
      timeoutMs: 30_000,
    });
    await page.locator('#status', { hasText: '直播中' }).waitFor({ timeout: 5000 });
    assert.equal(await pageLang(page), 'zh-CN');
    assert.equal(await page.locator('#locale').inputValue(), 'zh-CN');
    assert.equal(await page.locator('#tab-qa').innerText(), '提问');
    assert.equal(await page.locator('#tab-agenda').innerText(), '日程');
    assert.equal(await page.locator('#tab-agreements').innerText(), '签约');
    assert.equal(await page.locator('#raise-hand').innerText(), '举手发言');
    assert.equal(await page.locator('#mode-switch').innerText(), '切换到标准延时');
    assert.equal(await page.locator('#mode-badge').innerText(), '低延时');
    assert.equal(await page.locator('#ask-submit').innerText(), '提问');
    assert.equal(await page.locator('#question-text').getAttribute('placeholder'), '向嘉宾提问…');
    await page.locator('.now-card .live-tag', { hasText: '正在直播' }).waitFor({ timeout: 10_000 });
    // The language picker names the channels in Chinese: 现场原声（中文）, 英语…
    await page.locator('#language option[value=""]', { hasText: '现场原声（中文）' }).waitFor({ state: 'attached', timeout: 10_000 });
    assert.match(await page.locator('#language option[value="en"]').innerText(), /^英语/);

    await page.locator('#tab-agenda').click();
    const days = await page.locator('#watch-agenda .agenda-day-title').allInnerTexts();
    assert.ok(days.length > 0, 'the programme names its days');
    for (const day of days) assert.match(day.trim(), ZH_DATE);
    assert.match(await page.locator('#watch-agenda').innerText(), /\d{2}:\d{2}–\d{2}:\d{2}/);
    assert.match(await page.locator('#watch-agenda').innerText(), /成果发布/, 'session kinds in Chinese');
    const chinese = await bodyText(page);
    assert.doesNotMatch(chinese, KEY_NAME, 'no catalogue key shows');
    await screenshot(page, 'watch-zh.png');

    // English from the page's own menu: the same page, no reload.
    await page.evaluate(() => {
      (globalThis as unknown as { stagecastMarker?: number }).stagecastMarker = 1;
    });
    await page.locator('#locale').selectOption('en');
    await page.locator('#status', { hasText: 'Live' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#tab-qa').innerText(), 'Q&A');
    assert.equal(await page.locator('#tab-agenda').innerText(), 'Programme');
    assert.equal(await page.locator('#raise-hand').innerText(), 'Raise hand');
    assert.equal(await page.locator('#mode-switch').innerText(), 'Switch to standard latency');
    assert.match(await page.locator('#language option[value="en"]').innerText(), /^English/);
    for (const day of await page.locator('#watch-agenda .agenda-day-title').allInnerTexts()) {
      assert.match(day.trim(), /^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}$/);
    }
    assert.equal(await pageLang(page), 'en');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { stagecastMarker?: number }).stagecastMarker), 1, 'not reloaded');
    // Organisers' text stays as entered (the session's title is Chinese); the page's own words are English.
    assert.doesNotMatch(await bodyText(page), /直播中|举手发言|切换到|正在直播|日程/);
    await screenshot(page, 'watch-en.png');

    // The viewer's choice outlives a reload, whatever the browser asks for.
    await page.reload();
    await page.locator('#status', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#locale').inputValue(), 'en');
    assert.equal(await page.locator('#tab-agenda').innerText(), 'Programme');
    assert.deepEqual(problems, [], 'no page errors');
  });

  it('the interpreters’ booth page speaks Chinese', async () => {
    const token = tokenFor('interpreter', 'demo', '李译员', 'keynote');
    const { page, problems } = await openPage(`/interpret/demo/keynote?token=${encodeURIComponent(token)}`, 'booth');
    await page.locator('#mic-state[data-state="live"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#mic-state').innerText(), '您正在翻译：本语言频道的听众可以听到您');
    assert.equal(await page.locator('#booth-title').innerText(), '同传间 · 英语');
    await page.locator('#status', { hasText: '现场直播中' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#hand-over').innerText(), '交给搭档');
    await page.locator('#relay option[value="fr"]', { hasText: '法语' }).waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await page.locator('#relay option[value=""]').innerText(), '—（仅现场原声）');
    assert.match(await page.locator('#booth-interpreters').innerText(), /李译员 — 正在翻译/);
    assert.doesNotMatch(await bodyText(page), KEY_NAME);
    await screenshot(page, 'interpret-zh.png');
    assert.deepEqual(problems, [], 'no page errors');
  });

  it('the delegate’s desk speaks Chinese: its lists, its reasons and meeting times the Chinese way', async () => {
    const anonymous = new ApiClient(server.url);
    const host = anonymous.as(tokenFor('host'));
    const university = await createOrganisation(host, '南阳理工学院', 'university', ['光电信息']);
    const enterprise = await createOrganisation(host, '中原光电有限公司', 'enterprise', ['光电信息']);
    const team = await inviteDelegate(host, anonymous, university, '李伟教授');
    const achievement = ok<{ id: string }>(
      await host.post(`${EVENT}/achievements`, {
        title: '面向生产线的激光雷达检测',
        institution: university.name,
        field: '光电',
        summary: '用于工业检测的激光测距与光电传感',
        contact: '',
        sessionId: null,
        sector: '光电信息',
        maturity: 7,
        organisationId: university.id,
      }),
      201,
    );
    const start = Date.now() + 2 * 3_600_000;
    const slotTimes = { start: new Date(start).toISOString(), end: new Date(start + 30 * 60_000).toISOString() };
    const [slot] = ok<{ id: string }[]>(
      await team.api.post(`${DESK}/slots`, { slots: [{ ...slotTimes, mode: 'on-site', table: 'A3' }] }),
      201,
    );
    const invite = ok<{ link: string }>(await host.post(`${DESK}/invites`, { organisationId: enterprise.id, name: '王芳' }), 201);

    const { page, problems } = await openPage(invite.link, 'desk');
    await page.locator('#who', { hasText: '王芳 · 中原光电有限公司' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#status').innerText(), '已是最新');
    assert.equal(await page.locator('#meetings-title').innerText(), '洽谈安排');
    assert.equal(await page.locator('#suggestions-title').innerText(), '为您推荐');
    assert.equal(await page.locator('#calendar').innerText(), '下载我的日程（.ics）');
    const suggestion = page.locator(`[data-target-id="${achievement.id}"]`);
    await suggestion.waitFor({ timeout: 15_000 });
    const text = await suggestion.innerText();
    assert.match(text, /成果：面向生产线的激光雷达检测/);
    assert.match(text, /行业相同：光电信息/);
    assert.match(text, /匹配度 \d+/);
    await suggestion.getByRole('button', { name: '表达对接意向' }).waitFor({ timeout: 5000 });
    // 预约洽谈 12月3日 14:30–15:00（A3 号洽谈桌）: the day as Chinese writes it, on the event's clock.
    assert.match(
      await suggestion.locator(`[data-slot-id="${slot?.id ?? ''}"]`).innerText(),
      /^预约洽谈 \d{1,2}月\d{1,2}日 \d{2}:\d{2}–\d{2}:\d{2}（A3 号洽谈桌）$/,
    );
    assert.doesNotMatch(await bodyText(page), KEY_NAME);
    await screenshot(page, 'desk-zh.png');
    assert.deepEqual(problems, [], 'no page errors');
  });
});
