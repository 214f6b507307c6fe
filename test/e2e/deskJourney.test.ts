import assert from 'node:assert/strict';
import type { Browser, Download, Page } from 'playwright-core';
import { ApiClient, ok } from '../helpers/api';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { decodesTheOther } from '../helpers/meetPage';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { createOrganisation, DESK, inviteDelegate } from '../integration/desk/deskParties';

const EVENT = '/api/events/demo';

async function downloaded(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function clearStage(host: ApiClient, stageId: string, fromMs: number, toMs: number): Promise<void> {
  const sessions = ok<{ id: string; stageId: string; plannedStart: string; plannedEnd: string }[]>(await host.get(`${EVENT}/sessions`));
  for (const session of sessions) {
    const overlaps = Date.parse(session.plannedStart) < toMs && Date.parse(session.plannedEnd) > fromMs;
    if (session.stageId === stageId && overlaps) ok(await host.delete(`${EVENT}/sessions/${session.id}`), 204);
  }
}

describe('The tech-transfer desk in Chromium: from a suggestion to an online meeting to an agreement on air', function () {
  this.timeout(150_000);
  const teardown = new Teardown();
  const opened: { page: Page; log: string[] }[] = [];
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let browser: Browser;

  before(async function () {
    this.timeout(60_000);
    node = teardown.own('the node', await startStagecast({ ANNOUNCED_IP: '127.0.0.1' }), (n) => n.stop());
    browser = teardown.own('chromium', await launchChromium(), (b) => b.close());
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const { page, log } of opened) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  async function openPage(path: string, name: string): Promise<Page> {
    const context = teardown.own(`the ${name} context`, await newMediaContext(browser, node.url), (c) => c.close());
    const page = await context.newPage();
    opened.push({ page, log: collectPageLog(page, name) });
    await page.goto(`${node.url}${path}`);
    return page;
  }

  it('runs the whole journey', async () => {
    const anonymous = new ApiClient(node.url);
    const host = anonymous.as(tokenFor('host'));
    const university = await createOrganisation(host, 'Nanyang Institute of Technology', 'university', ['optoelectronic information']);
    const enterprise = await createOrganisation(host, 'Zhongyuan Optics Co.', 'enterprise', ['optoelectronic information']);
    const team = await inviteDelegate(host, anonymous, university, 'Prof. Li Wei');
    const achievement = ok<{ id: string }>(
      await host.post(`${EVENT}/achievements`, {
        title: 'LiDAR inspection for production lines',
        institution: university.name,
        field: 'photonics',
        summary: 'Laser ranging and photoelectric sensing for industrial inspection',
        contact: '',
        sessionId: null,
        sector: 'optoelectronic information',
        maturity: 7,
        organisationId: university.id,
      }),
      201,
    );
    const now = Date.now();
    const slotTimes = { start: new Date(now - 60_000).toISOString(), end: new Date(now + 30 * 60_000).toISOString() };
    const [slot] = ok<{ id: string }[]>(await team.api.post(`${DESK}/slots`, { slots: [{ ...slotTimes, mode: 'online' }] }), 201);

    // The company's delegate opens the invite link: accepted in the page, which then shows their desk.
    const invite = ok<{ link: string }>(await host.post(`${DESK}/invites`, { organisationId: enterprise.id, name: 'Wang Fang' }), 201);
    const companyPage = await openPage(invite.link, 'company');
    await companyPage.locator('#who', { hasText: 'Wang Fang · Zhongyuan Optics Co.' }).waitFor({ timeout: 15_000 });
    assert.equal(
      new URL(companyPage.url()).pathname + new URL(companyPage.url()).hash,
      '/desk/demo',
      'the invite code is out of the address bar',
    );
    const suggestion = companyPage.locator(`[data-target-id="${achievement.id}"]`);
    await suggestion.waitFor({ timeout: 15_000 });
    assert.match((await suggestion.textContent()) ?? '', /sector/i, 'the suggestion says why');
    await suggestion.getByRole('button', { name: 'Express interest' }).click();
    await suggestion.getByRole('button', { name: 'Interest sent' }).waitFor({ timeout: 15_000 });
    await suggestion.locator(`[data-slot-id="${slot.id}"]`).click();

    // The team sees who is interested and the request in its page, and accepts both.
    const teamPage = await openPage(`/desk/demo?token=${encodeURIComponent(team.token)}`, 'team');
    const interest = teamPage.locator('#interests [data-status="pending"]', { hasText: 'Wang Fang (Zhongyuan Optics Co.)' });
    await interest.waitFor({ timeout: 20_000 });
    await interest.getByRole('button', { name: 'Accept' }).click();
    await teamPage.locator('#interests [data-status="accepted"]').waitFor({ timeout: 15_000 });
    const request = teamPage.locator('#meetings [data-status="requested"]', { hasText: 'Zhongyuan Optics Co.' });
    await request.waitFor({ timeout: 20_000 });
    await request.getByRole('button', { name: 'Accept' }).click();

    // Both open the online meeting from their pages and see each other.
    for (const page of [teamPage, companyPage]) {
      const accepted = page.locator('#meetings [data-status="accepted"]');
      await accepted.waitFor({ timeout: 20_000 });
      if (page === companyPage) {
        // The accepted meeting is in the delegate's calendar file.
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#calendar').click()]);
        assert.match(await downloaded(download), /BEGIN:VEVENT[\s\S]*Nanyang Institute of Technology/);
      }
      await accepted.getByRole('link', { name: 'Join the online meeting' }).click();
    }
    await decodesTheOther(teamPage);
    await decodesTheOther(companyPage);

    // The host records the agreement and puts it on air during the signing session. The demo
    // programme is laid out on today's clock, so whatever it has on the release stage in the next
    // hour makes way first (a run at 10:30 would otherwise meet the 10:00 release).
    await clearStage(host, 'release', now, now + 3_600_000);
    const signing = ok<{ id: string }>(
      await host.post(`${EVENT}/sessions`, {
        stageId: 'release',
        title: 'Signing ceremony',
        kind: 'signing',
        speakerIds: [],
        plannedStart: new Date(now).toISOString(),
        plannedEnd: new Date(now + 3_600_000).toISOString(),
      }),
      201,
    );
    const agreement = ok<{ id: string }>(
      await host.post(`${DESK}/agreements`, {
        achievementId: achievement.id,
        companyOrganisationId: enterprise.id,
        type: 'licence',
        signingSessionId: signing.id,
      }),
      201,
    );
    ok(await host.post(`${EVENT}/sessions/${signing.id}/start`));
    ok(await host.post(`${EVENT}/stages/release/ingest`, {}), 201);
    ok(await host.put(`${EVENT}/stages/release/program`, { sourceId: 'onsite' }));
    const attendee = await openPage('/watch/demo/release', 'attendee');
    ok(await host.post(`${DESK}/agreements/${agreement.id}/announce`));
    const headline = 'Agreement signed: Nanyang Institute of Technology × Zhongyuan Optics Co. — LiDAR inspection for production lines';
    await attendee.locator('#lower-third-name', { hasText: headline }).waitFor({ timeout: 20_000 });

    // And the attendee page lists the event's agreements.
    await attendee.locator('#tab-agreements').click();
    const listed = attendee.locator(`[data-agreement="${agreement.id}"]`);
    await listed.waitFor({ timeout: 15_000 });
    assert.match((await listed.textContent()) ?? '', /Nanyang Institute of Technology × Zhongyuan Optics Co\. · Licence/);

    // The organisers' Matchmaking tab counts it all, and hands it over as CSV.
    const consolePage = await openPage(`/admin?token=${encodeURIComponent(tokenFor('host'))}#/matchmaking`, 'console');
    const row = consolePage.locator(`#matchmaking-achievements [data-achievement="${achievement.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    // Sector, views, interests, meetings requested, meetings held (none over yet), agreements.
    assert.deepEqual(cells, ['optoelectronic information', '0', '1', '1', '0', '1']);
    const [download] = await Promise.all([
      consolePage.waitForEvent('download'),
      consolePage.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.match(await downloaded(download), /LiDAR inspection for production lines/);
  });
});
