import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Teardown } from '../helpers/teardown';
import { ConsoleHarness } from './consoleHarness';
import { type IngestProcess, startIngest } from './ingestProcess';

/** A catalogue key shown instead of its text ("agenda.heading", "keys.createFailed"). */
const KEY_NAME = /\b[a-z]+\.[a-z][A-Za-z]+\b/;
const CJK = /[\u3400-\u9fff]/;

async function bodyText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** Goes to a console view by its address fragment, as the view tabs do (no page load). */
async function showView(page: Page, hash: string, heading: string): Promise<void> {
  await page.evaluate((fragment) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = fragment;
  }, hash);
  await page.locator('.console-main h1', { hasText: heading }).first().waitFor({ timeout: 15_000 });
}

async function assertNoKeyNames(page: Page, where: string): Promise<void> {
  const text = await bodyText(page);
  assert.doesNotMatch(text, KEY_NAME, `${where}: a catalogue key shows instead of its text`);
}

describe('the console in Chinese, in Chromium with a Chinese browser', function () {
  this.timeout(120_000);
  const h = new ConsoleHarness({ chromiumArgs: ['--lang=zh-CN'], locale: 'zh-CN' });
  let ingest: IngestProcess | null = null;

  before(async function () {
    this.timeout(60_000);
    // A sample a second and 2 s of silence: a stopped hall feed is down within a few seconds.
    await h.start({ HEALTH_SAMPLE_INTERVAL_MS: '1000', ALERT_SOURCE_SILENT_MS: '2000' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics());
  });

  after(async function () {
    this.timeout(60_000);
    const teardown = new Teardown();
    teardown.add('the console harness (pages, browser, server)', () => h.stop());
    const running = ingest;
    if (running) teardown.add('the ingest script', () => running.stop());
    await teardown.run();
  });

  it('speaks Chinese in every view, with Chinese dates and the organisers’ Chinese titles; switching to English needs no reload and is remembered', async () => {
    const page = await h.openConsole('host', '#/agenda');

    // Agenda: the frame, the day in the Chinese way of writing dates, the demo's Chinese session titles.
    await page.locator('#agenda-heading', { hasText: '议程' }).waitFor({ timeout: 15_000 });
    assert.equal(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang,
      ),
      'zh-CN',
    );
    assert.match(await page.title(), /控制台/);
    const tabs = await page.locator('.views .view-tab').allInnerTexts();
    assert.deepEqual(tabs.slice(0, 4), ['议程', '导播控制', '问答', '运维监控']);
    assert.match((await page.locator('#agenda-summary').innerText()) ?? '', /\d{1,2}月\d{1,2}日/, 'the day as Chinese writes it');
    await page.locator('.timeline-lane[data-stage="keynote"] .session-block', { hasText: '开幕致辞' }).waitFor({ timeout: 15_000 });
    await page.locator('.timeline-stage-name', { hasText: '成果发布厅' }).waitFor();
    await page.locator('#running-order-heading', { hasText: '流程单' }).waitFor();
    assert.equal(await page.locator('#new-session').innerText(), '新建环节');
    await assertNoKeyNames(page, 'agenda');
    await h.screenshot(page, 'console-zh-agenda.png');

    // The session editor offers the title in each language.
    await page.locator('.timeline-lane[data-stage="keynote"] .session-block', { hasText: '开幕致辞' }).click();
    await page.locator('.drawer h2', { hasText: '编辑环节' }).waitFor();
    assert.equal(await page.locator('#session-title-zh').inputValue(), '开幕致辞');
    await h.screenshot(page, 'console-zh-session-editor.png');
    await page.locator('.drawer-head .icon-button').click();

    // Q&A moderation.
    await showView(page, '#/qa/keynote', '问答审核');
    await page.locator('.qa-column h2', { hasText: '待审核' }).first().waitFor({ timeout: 15_000 });
    await page.locator('.shortcuts', { hasText: '通过' }).waitFor();
    await page.locator('.qa-view .monitor-state[data-state="live"]', { hasText: '实时' }).waitFor({ timeout: 15_000 });
    await assertNoKeyNames(page, 'Q&A');
    await h.screenshot(page, 'console-zh-qa.png');

    // Stage control: sources, on air, the lower-third, encoder keys, the stage's names.
    await showView(page, '#/stage/keynote', '主会场');
    await page.locator('#on-air-heading', { hasText: '正在播出' }).waitFor({ timeout: 15_000 });
    await page.locator('#stream-keys-heading', { hasText: '推流密钥' }).waitFor();
    await page.locator('.stage-view h3', { hasText: '人名条' }).waitFor();
    assert.equal(await page.locator('#stage-name-zh').inputValue(), '主会场 · 主旨演讲');
    await page.locator('.monitor-state', { hasText: '预览在线' }).waitFor({ timeout: 20_000 });
    await assertNoKeyNames(page, 'stage control');
    await h.screenshot(page, 'console-zh-stage.png');

    // Ops: stream health, alerts, charts, nodes.
    await showView(page, '#/ops', '直播流状态');
    await page.locator('#alerts-heading', { hasText: '当前告警' }).waitFor({ timeout: 15_000 });
    await page.locator('.chart figcaption', { hasText: '信号源码率' }).waitFor();
    await page.locator('#nodes-heading', { hasText: '节点' }).waitFor();
    await page.locator('.health-card[data-stage="keynote"] h2', { hasText: '主会场' }).waitFor();
    await assertNoKeyNames(page, 'ops');
    const opsText = await bodyText(page);
    assert.ok((opsText.match(/[\u3400-\u9fff]/g) ?? []).length > 40, 'the ops view reads in Chinese');
    await h.screenshot(page, 'console-zh-ops.png');

    // English from the language menu: the same page, no navigation, every view in English at once.
    await page.evaluate(() => {
      (globalThis as unknown as { stagecastSamePage?: boolean }).stagecastSamePage = true;
    });
    let navigated = false;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigated = true;
    });
    await page.locator('#locale').selectOption('en');
    await page.locator('#ops-heading', { hasText: 'Stream health' }).waitFor({ timeout: 5000 });
    assert.deepEqual((await page.locator('.views .view-tab').allInnerTexts()).slice(0, 4), ['Agenda', 'Stage control', 'Q&A', 'Ops']);
    await page.locator('#alerts-heading', { hasText: 'Active alerts' }).waitFor();
    await page.locator('.health-card[data-stage="keynote"] h2', { hasText: 'Main hall' }).waitFor();
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { stagecastSamePage?: boolean }).stagecastSamePage),
      true,
      'the same page',
    );
    assert.equal(navigated, false, 'no navigation');
    // The bar in English (its language menu names each language in itself: 中文 stays).
    for (const part of ['.event-name', '.views', '.connection', '.identity']) {
      assert.doesNotMatch(await page.locator(`.console-bar ${part}`).innerText(), CJK, `the bar's ${part} reads in English`);
    }
    await assertNoKeyNames(page, 'ops in English');
    await h.screenshot(page, 'console-en-ops.png');

    // The choice survives a reload, whatever the browser asks for.
    await page.reload();
    await page.locator('#ops-heading', { hasText: 'Stream health' }).waitFor({ timeout: 15_000 });
    assert.equal(
      await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('stagecast.locale'),
      ),
      'en',
    );
  });

  it('a browser that asks for neither language gets the event’s default: the demo fair’s Chinese', async () => {
    const page = await h.openConsole('host', '#/agenda', 'french host', 'fr-FR');
    await page.locator('#agenda-heading', { hasText: '议程' }).waitFor({ timeout: 15_000 });
    await page.locator('.event-name', { hasText: '科技成果交易会' }).waitFor();
  });

  it('an alert gets a Chinese title from its rule, with the server’s words as detail', async () => {
    ingest = startIngest(h.origin, 'demo/keynote');
    const host = await h.openConsole('host', '#/stage/keynote', 'stage host');
    // The feed's default label is the server's English; the console says it in Chinese.
    await host.locator('.source-tile[data-source="onsite"] .source-name', { hasText: '现场信号' }).waitFor({ timeout: 20_000 });
    await host.locator('.source-tile[data-source="onsite"] .button-take', { hasText: '切至播出' }).waitFor();
    await h.screenshot(host, 'console-zh-stage-feed.png');

    const ops = await h.openConsole('ops', '#/ops', 'ops');
    await ops.locator('.health-card[data-stage="keynote"] [data-source="onsite"][data-receiving="true"]').waitFor({ timeout: 15_000 });
    const running = ingest;
    await running.stop();
    ingest = null;
    const alert = ops.locator('#active-alerts .alert[data-rule="source_down"]');
    await alert.waitFor({ timeout: 20_000 });
    assert.match(await alert.locator('.alert-message').innerText(), /^现场信号 中断：已 [\d.]+ 秒无媒体$/);
    assert.match(await alert.locator('.alert-detail').innerText(), /no media/, 'the server’s own words under the title');
    assert.equal(await alert.locator('.alert-severity').innerText(), '严重');
    assert.match(await ops.locator('.health-card[data-stage="keynote"] .level-badge').innerText(), /信号中断/);
    await h.screenshot(ops, 'console-zh-ops-alert.png');
  });

  it('no page threw or logged an error', () => {
    assert.deepEqual(h.problems(), []);
  });
});
