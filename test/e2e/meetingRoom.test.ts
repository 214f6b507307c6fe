import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { MeetingRecord, OrganisationRecord, SlotRecord } from '../../server/store/deskRecords';
import { ApiClient, ok } from '../helpers/api';
import { collectPageLog, launchChromium, newMediaContext, pageDiagnostics } from '../helpers/browser';
import { decodesTheOther, meetState } from '../helpers/meetPage';
import { waitFor } from '../helpers/net';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';
import { WorkerObjects } from '../helpers/workerObjects';
import { createOrganisation, DESK, type Delegate, inviteDelegate } from '../integration/desk/deskParties';

describe("Meeting room page in Chromium: the two sides of an online meeting see each other and receive each other's sound", function () {
  this.timeout(90_000);
  const teardown = new Teardown();
  const opened: { page: Page; log: string[] }[] = [];
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let browser: Browser;
  let team: Delegate;
  let company: Delegate;
  let outsider: Delegate;
  let meeting: MeetingRecord;
  const sfu = new WorkerObjects();

  before(async function () {
    this.timeout(60_000);
    teardown.add('the worker observer', sfu.watch());
    node = teardown.own('the node', await startStagecast({ ANNOUNCED_IP: '127.0.0.1' }), (n) => n.stop());
    browser = teardown.own('chromium', await launchChromium(), (b) => b.close());
    const anonymous = new ApiClient(node.url);
    const host = anonymous.as(tokenFor('host'));
    const university: OrganisationRecord = await createOrganisation(host, 'Nanyang Institute of Technology', 'university', ['optics']);
    const enterprise = await createOrganisation(host, 'Zhongyuan Optics Co.', 'enterprise', ['optics']);
    const investor = await createOrganisation(host, 'Funiu Capital', 'investor', ['optics']);
    team = await inviteDelegate(host, anonymous, university, 'Prof. Li Wei');
    company = await inviteDelegate(host, anonymous, enterprise, 'Wang Fang');
    outsider = await inviteDelegate(host, anonymous, investor, 'Zhou Lei');
    const now = Date.now();
    const slot = { start: new Date(now - 60_000).toISOString(), end: new Date(now + 30 * 60_000).toISOString(), mode: 'online' };
    const [published] = ok<SlotRecord[]>(await team.api.post(`${DESK}/slots`, { slots: [slot] }), 201);
    const requested = ok<MeetingRecord>(await company.api.post(`${DESK}/meetings`, { slotId: published.id }), 201);
    meeting = ok<MeetingRecord>(await team.api.post(`${DESK}/meetings/${requested.id}/answer`, { action: 'accept' }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const { page, log } of opened) console.log(`${await pageDiagnostics(page)}\n${log.join('\n')}`);
      console.log(`the SFU:\n${await sfu.describe()}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await teardown.run();
  });

  async function openMeeting(delegate: Delegate, name: string): Promise<Page> {
    const context = teardown.own(`the ${name} context`, await newMediaContext(browser, node.url), (c) => c.close());
    const page = await context.newPage();
    opened.push({ page, log: collectPageLog(page, name) });
    await page.goto(`${node.url}/meet/demo/${meeting.id}?token=${encodeURIComponent(delegate.token)}`);
    return page;
  }

  it("each side decodes the other's camera and receives their microphone, named by its delegate", async () => {
    const teamPage = await openMeeting(team, 'team');
    const companyPage = await openMeeting(company, 'company');
    const seenByTeam = await decodesTheOther(teamPage, 10);
    const seenByCompany = await decodesTheOther(companyPage, 10);
    assert.equal(seenByTeam.label, 'Wang Fang');
    assert.equal(seenByCompany.label, 'Prof. Li Wei');
    // Still flowing both ways, not a few frames and a freeze.
    await decodesTheOther(teamPage, seenByTeam.framesDecoded);
    await decodesTheOther(companyPage, seenByCompany.framesDecoded);
  });

  it('a delegate of another organisation is told the room is not theirs, and is not seen inside', async () => {
    const page = await openMeeting(outsider, 'outsider');
    const detail = await waitFor(
      async () => {
        const state = await meetState(page);
        if (state?.state !== 'failed') return undefined;
        return page.locator('#detail').textContent();
      },
      { what: 'the outsider page refused', timeoutMs: 20_000 },
    );
    assert.match(detail ?? '', /meeting's delegates/);
    const members = node.node.signaling.peers.all().filter((p) => p.stageId === `meeting-${meeting.id}`);
    assert.deepEqual(members.map((p) => p.principal.name).sort(), ['Prof. Li Wei', 'Wang Fang']);
  });
});
