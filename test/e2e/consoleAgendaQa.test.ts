import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dropSignaling } from '../helpers/browser';
import { waitFor } from '../helpers/net';
import { tokenFor } from '../helpers/stagecast';
import { ConsoleHarness, todayUtc } from './consoleHarness';

/** `window.stagecast` of the watch page, as far as these tests read it. */
interface WatchHandle {
  state: string;
  handMedia: string;
}

async function watchHandle(page: Page): Promise<WatchHandle | null> {
  return page.evaluate(() => {
    const handle = (globalThis as unknown as { stagecast?: WatchHandle }).stagecast;
    return handle ? { state: handle.state, handMedia: handle.handMedia } : null;
  });
}

/** Whether anything ran the payload of the markup question on this page. */
async function injectedScriptRan(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss !== undefined);
}

const XSS_QUESTION = '<img src=x onerror="window.__xss=1"> Is the sensor data open for other research teams?';

describe('console agenda, Q&A and hands with the attendee page, in Chromium', function () {
  this.timeout(60_000);
  const h = new ConsoleHarness();
  let keynoteSessionId = '';

  before(async function () {
    this.timeout(30_000);
    await h.start();
    await h.clearDemoAgenda();
    // A live keynote with a speaker: the Q&A and hands below are about it.
    const speaker = await h.api<{ id: string }>('admin', 'POST', '/api/events/demo/speakers', {
      name: 'Dr. Chen Jing',
      title: 'Professor',
      organisation: 'Nanyang University',
      presence: 'on-site',
    });
    const start = new Date(Date.now() - 10 * 60_000).toISOString();
    const end = new Date(Date.now() + 50 * 60_000).toISOString();
    const session = await h.api<{ id: string }>('host', 'POST', '/api/events/demo/sessions', {
      stageId: 'keynote',
      title: 'Keynote: AI in agriculture',
      kind: 'keynote',
      speakerIds: [speaker.id],
      plannedStart: start,
      plannedEnd: end,
    });
    await h.api('host', 'POST', `/api/events/demo/sessions/${session.id}/start`);
    keynoteSessionId = session.id;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics());
  });

  after(async function () {
    this.timeout(30_000);
    await h.stop();
  });

  it('a host schedules a session in the agenda view; the attendee page lists it and marks it once live; an overlap is shown inline', async () => {
    const attendee = await h.open('/watch/demo/release', 'attendee release');
    await attendee.locator('#tab-agenda').click();
    await attendee.locator('#panel-agenda .panel-note').first().waitFor();

    // Signed in by pasting a token (the other consoles below use ?token= links).
    const host = await h.open('/admin#/agenda', 'console host');
    await host.locator('#signin-token').waitFor();
    await h.screenshot(host, 'console-signin.png');
    await host.fill('#signin-token', tokenFor('host', 'demo', 'Ada Host'));
    await host.getByRole('button', { name: 'Sign in' }).click();
    await host.locator('#new-session').waitFor();
    const title = 'Achievement release: Nanyang Institute of Optics';
    await host.locator('#new-session').click();
    await host.fill('#session-title', title);
    await host.selectOption('#session-kind', 'achievement-release');
    await host.selectOption('#session-stage', 'release');
    await host.fill('#session-date', todayUtc());
    await host.fill('#session-start', '10:00');
    await host.fill('#session-end', '10:45');
    // A speaker created on the spot, from the session form.
    await host.getByRole('button', { name: 'New speaker…' }).click();
    await host.fill('#new-speaker-name', 'Prof. Zhao Lin');
    await host.getByRole('button', { name: 'Add speaker' }).click();
    await host.locator('#session-speakers .chip', { hasText: 'Prof. Zhao Lin' }).waitFor();
    await host.locator('#session-save').click();

    const block = host.locator('.timeline-lane[data-stage="release"] .session-block', { hasText: title });
    await block.waitFor({ timeout: 5000 });
    assert.match((await block.textContent()) ?? '', /10:00–10:45/);
    // The attendee page hears of it through agendaChanged, without a reload.
    const listed = attendee.locator('#watch-agenda .agenda-item', { hasText: title });
    await listed.waitFor({ timeout: 5000 });
    assert.match((await listed.textContent()) ?? '', /Prof\. Zhao Lin/);

    // Put live from outside the console: the attendee's programme marks it as the current session.
    const sessionId = await listed.getAttribute('data-session');
    assert.ok(sessionId, 'the agenda item names its session');
    await h.api('host', 'POST', `/api/events/demo/sessions/${sessionId}/start`);
    await attendee.locator(`#watch-agenda .agenda-item.status-live[data-session="${sessionId}"]`).waitFor({ timeout: 5000 });
    assert.equal(await attendee.locator('#watch-agenda [aria-current="true"]').count(), 1, 'exactly one session is marked live');
    await host.locator('.timeline-lane[data-stage="release"] .session-block.status-live', { hasText: title }).waitFor({ timeout: 5000 });

    // An overlapping session on the same stage: the server's 409 is shown in the form, and the session it would overlap is outlined.
    const refused = h.expectConsoleError(/409 \(Conflict\)/);
    await host.locator('#new-session').click();
    await host.fill('#session-title', 'Overlapping talk');
    await host.selectOption('#session-stage', 'release');
    await host.fill('#session-date', todayUtc());
    await host.fill('#session-start', '10:30');
    await host.fill('#session-end', '11:00');
    await host.locator('#session-save').click();
    const conflict = host.locator('.form-conflict');
    await conflict.waitFor({ timeout: 5000 });
    assert.match((await conflict.textContent()) ?? '', /Overlaps “Achievement release: Nanyang Institute of Optics”/);
    await host.locator(`.session-block.conflict[data-session="${sessionId}"]`).waitFor();
    assert.equal(refused.seen(), 1, 'the refused request is the only console error');

    await h.screenshot(host, 'console-agenda.png');
    await h.screenshot(attendee, 'watch-agenda.png');

    // Moved to a free slot in the same form, it is scheduled.
    await host.fill('#session-start', '11:00');
    await host.fill('#session-end', '11:30');
    await host.locator('#session-save').click();
    const moved = host.locator('.timeline-lane[data-stage="release"] .session-block', { hasText: 'Overlapping talk' });
    await moved.waitFor({ timeout: 5000 });
    assert.match((await moved.textContent()) ?? '', /11:00–11:30/);

    // Dragged 30 minutes later on the timeline (3 px a minute), then the move undone from the notice.
    const box = await moved.boundingBox();
    assert.ok(box);
    await host.mouse.move(box.x + 20, box.y + box.height / 2);
    await host.mouse.down();
    await host.mouse.move(box.x + 20 + 90, box.y + box.height / 2, { steps: 6 });
    await host.mouse.up();
    await host.locator('.timeline-lane[data-stage="release"] .session-block', { hasText: '11:30–12:00' }).waitFor({ timeout: 5000 });
    await host.locator('.notice', { hasText: 'Moved “Overlapping talk”' }).getByRole('button', { name: 'Undo' }).click();
    await host.locator('.timeline-lane[data-stage="release"] .session-block', { hasText: '11:00–11:30' }).waitFor({ timeout: 5000 });

    // Deleted from its editor, in two steps.
    await host.locator('.timeline-lane[data-stage="release"] .session-block', { hasText: 'Overlapping talk' }).click();
    await host.getByRole('button', { name: 'Delete…' }).click();
    await host.getByRole('button', { name: 'Delete', exact: true }).click();
    await host.locator('.session-block', { hasText: 'Overlapping talk' }).waitFor({ state: 'detached', timeout: 5000 });
    await attendee.locator('#watch-agenda .agenda-item', { hasText: 'Overlapping talk' }).waitFor({ state: 'detached', timeout: 5000 });
  });

  it('an attendee asks, a moderator approves in the console, and a second attendee sees it live; markup in a question stays text', async () => {
    const asker = await h.open('/watch/demo/keynote?name=Wang%20Fang', 'asker');
    const reader = await h.open('/watch/demo/keynote?name=Li%20Na', 'reader');
    const moderator = await h.openConsole('moderator', '#/qa/keynote');
    // With no session chosen, the moderator follows the stage's live one.
    const sessionSelect = moderator.locator('#qa-session');
    await waitFor(
      async () => ((await sessionSelect.inputValue()) === keynoteSessionId ? true : undefined),
      5000,
      'the moderator following the live session',
    );

    const plain = 'How will the drought-resistant strain be licensed to local cooperatives?';
    for (const text of [plain, XSS_QUESTION]) {
      await asker.fill('#question-text', text);
      await asker.locator('#ask-submit').click();
      await asker.locator('.qa-waiting li', { hasText: text.slice(-30) }).waitFor({ timeout: 5000 });
    }

    // One approved with its button, the other from the keyboard (select, then A).
    const pending = moderator.locator('.qa-pending .question-card');
    await pending.filter({ hasText: plain }).waitFor({ timeout: 5000 });
    await pending.filter({ hasText: plain }).locator('[data-action="approve"]').click();
    const markup = pending.filter({ hasText: 'research teams' });
    await markup.waitFor();
    assert.equal(await markup.locator('.question-text').textContent(), XSS_QUESTION, 'the moderator sees the markup as typed');
    await markup.click();
    await moderator.keyboard.press('a');
    await moderator.locator('.qa-approved .question-card', { hasText: 'research teams' }).waitFor({ timeout: 5000 });

    const published = reader.locator('#qa-open .qa-text');
    await reader.locator('#qa-open .qa-text', { hasText: plain }).waitFor({ timeout: 5000 });
    await reader.locator('#qa-open .qa-text', { hasText: 'research teams' }).waitFor({ timeout: 5000 });
    assert.ok((await published.allTextContents()).includes(XSS_QUESTION), 'the second attendee sees the markup as text');
    for (const page of [asker, reader, moderator]) {
      assert.equal(await page.locator('img').count(), 0, 'no <img> element was created from a question');
      assert.equal(await injectedScriptRan(page), false, 'the onerror payload did not run');
    }
    // Once published, the asker's "waiting" notes give way to the public list.
    await asker.locator('.qa-waiting').waitFor({ state: 'detached', timeout: 5000 });

    // A vote on the reader's page reaches the moderator's count live.
    await reader.locator('#qa-open .qa-item', { hasText: plain }).locator('.vote').click();
    await moderator
      .locator('.qa-approved .question-card', { hasText: plain })
      .locator('.question-vote-count', { hasText: '1' })
      .waitFor({ timeout: 5000 });
    // The reader's own page counts it too (from its ack, which may come after the moderator's push).
    await reader.locator('#qa-open .qa-item', { hasText: plain }).locator('.vote-count', { hasText: /^1$/ }).waitFor({ timeout: 15_000 });

    await h.screenshot(moderator, 'console-qa.png');
    await h.screenshot(reader, 'watch-desktop.png');
    const phone = await h.open('/watch/demo/keynote?name=Phone', 'phone', { width: 390, height: 844 });
    await phone.locator('#qa-open .qa-text', { hasText: plain }).waitFor({ timeout: 5000 });
    await h.screenshot(phone, 'watch-phone.png');
  });

  it('a vote burst from one network is held and flagged in the console; the moderator counts it; the asker sees the question as theirs', async () => {
    const text = 'Can companies outside the province license the coating process?';
    const asker = await h.open('/watch/demo/keynote?name=Zhao%20Lei', 'burst-asker');
    await asker.fill('#question-text', text);
    await asker.locator('#ask-submit').click();
    await asker.locator('.qa-waiting li', { hasText: text }).waitFor({ timeout: 5000 });
    const pending = await h.api<{ id: string; text: string }[]>(
      'moderator',
      'GET',
      `/api/events/demo/sessions/${keynoteSessionId}/questions`,
    );
    const question = pending.find((q) => q.text === text);
    assert.ok(question, 'the moderators list the question');
    await h.api('moderator', 'POST', `/api/events/demo/sessions/${keynoteSessionId}/questions/${question.id}/moderate`, {
      action: 'approve',
    });
    // The published question is marked as the asker's own, though no broadcast says whose it is.
    await asker.locator('#qa-open .qa-item', { hasText: text }).locator('.qa-meta', { hasText: '(you)' }).waitFor({ timeout: 5000 });

    const moderator = await h.openConsole('moderator', '#/qa/keynote');
    const card = moderator.locator('.qa-approved .question-card', { hasText: text });
    await card.waitFor({ timeout: 5000 });
    // Seven fresh anonymous participants from this machine's one address: five votes count, two are held.
    for (let i = 0; i < 7; i++) {
      const joined = await fetch(`${h.origin}/api/events/demo/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const { token } = (await joined.json()) as { token: string };
      const vote = await fetch(`${h.origin}/api/events/demo/sessions/${keynoteSessionId}/questions/${question.id}/upvote`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(vote.status, 200);
    }
    await card.locator('.question-burst[data-held-votes="2"]').waitFor({ timeout: 5000 });
    assert.equal(await card.locator('.question-vote-count').textContent(), '5');
    assert.equal(await asker.locator('#qa-open .qa-item', { hasText: text }).locator('.vote-count').textContent(), '5');
    await h.screenshot(moderator, 'console-qa-vote-burst.png');

    await card.locator('[data-action="countHeldVotes"]').click();
    await card.locator('.question-vote-count', { hasText: '7' }).waitFor({ timeout: 5000 });
    await card.locator('.question-burst').waitFor({ state: 'detached', timeout: 5000 });
    await asker.locator('#qa-open .qa-item', { hasText: text }).locator('.vote-count', { hasText: '7' }).waitFor({ timeout: 5000 });
  });

  it('an accepted raised hand publishes the attendee’s camera to the stage, and lowering it takes it off', async () => {
    const attendee = await h.open('/watch/demo/keynote?name=Zhou%20Lei', 'hand');
    const moderator = await h.openConsole('moderator', '#/qa/keynote', 'hands');
    await attendee.locator('#raise-hand').click();
    await attendee.locator('.hand-card[data-hand-state="raised"]').waitFor({ timeout: 5000 });

    const hand = moderator.locator('.hand-list .hand', { hasText: 'Zhou Lei' });
    await hand.getByRole('button', { name: 'Accept' }).click({ timeout: 5000 });
    await waitFor(
      async () => ((await watchHandle(attendee))?.handMedia === 'on-air' ? true : undefined),
      15_000,
      'the attendee publishing camera and microphone',
    );
    const cameraSources = async (): Promise<string[]> => {
      const media = await h.api<{ sources: { id: string }[] }>('host', 'GET', '/api/events/demo/stages/keynote/media');
      return media.sources.map((s) => s.id).filter((id) => id.startsWith('camera:'));
    };
    assert.equal((await cameraSources()).length, 1, 'the stage has the attendee’s camera as a source');
    await h.screenshot(attendee, 'watch-hand-accepted.png');

    await moderator.locator('.hand-list .hand', { hasText: 'Zhou Lei' }).getByRole('button', { name: 'End' }).click();
    await waitFor(
      async () => ((await watchHandle(attendee))?.handMedia === 'off' ? true : undefined),
      10_000,
      'the attendee to stop publishing',
    );
    await waitFor(async () => ((await cameraSources()).length === 0 ? true : undefined), 5000, 'the camera source to leave the stage');
    await attendee.locator('#raise-hand').waitFor();
  });

  it('the attendee page shows that it is reconnecting, then plays on', async () => {
    const viewer = await h.open('/watch/demo/keynote', 'reconnecting');
    await waitFor(async () => ((await watchHandle(viewer))?.state === 'no-source' ? true : undefined), 15_000, 'the page joined');
    await dropSignaling(viewer);
    const message = viewer.locator('#screen-message[data-state="reconnecting"]');
    await message.waitFor({ timeout: 5000 });
    assert.match((await message.textContent()) ?? '', /Reconnecting/);
    await waitFor(async () => ((await watchHandle(viewer))?.state === 'no-source' ? true : undefined), 10_000, 'the page back');
  });

  it('no page threw or logged an error', () => {
    assert.deepEqual(h.problems(), []);
  });
});
