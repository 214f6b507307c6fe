import { createClient } from 'redis';
import { waitFor } from '../helpers/net';
import { RedisServer } from '../helpers/redis';
import { Teardown } from '../helpers/teardown';
import { ConsoleHarness } from './consoleHarness';

/**
 * A page whose Q&A subscription is refused as `unavailable` (the shared store briefly unable to answer)
 * asks again by itself, instead of staying without Q&A until it reconnects. The store's refusal is
 * real: Redis is told to refuse the one command that lists a session's questions, then to allow it again.
 */
describe('a Q&A subscription refused while the store cannot answer, in Chromium', function () {
  this.timeout(60_000);
  const h = new ConsoleHarness();
  let redis: RedisServer | null = null;
  const admin = { client: null as ReturnType<typeof createClient> | null };

  before(async function () {
    this.timeout(30_000);
    redis = await RedisServer.start();
    admin.client = createClient({ url: redis.url });
    admin.client.on('error', () => undefined);
    await admin.client.connect();
    await h.start({ STORE: 'redis', REDIS_URL: redis.url });
    await h.clearDemoAgenda();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics());
  });

  after(async function () {
    this.timeout(30_000);
    // Steps run latest first: the pages and the server before the Redis they use.
    const teardown = new Teardown();
    teardown.add('redis-server', async () => redis?.stop());
    teardown.add('the Redis admin connection', async () => {
      if (admin.client?.isOpen) await admin.client.disconnect();
    });
    teardown.add('the harness', () => h.stop());
    await teardown.run();
  });

  it('the moderation view shows the refusal, then subscribes again and lists the session once the store answers', async () => {
    const hour = 60 * 60_000;
    const plan = async (title: string, kind: 'speech' | 'panel', fromNow: number): Promise<string> =>
      (
        await h.api<{ id: string }>('host', 'POST', '/api/events/demo/sessions', {
          stageId: 'keynote',
          title,
          kind,
          speakerIds: [],
          plannedStart: new Date(Date.now() + fromNow).toISOString(),
          plannedEnd: new Date(Date.now() + fromNow + hour).toISOString(),
        })
      ).id;
    const followed = await plan('Opening talk', 'speech', -hour / 2);
    await h.api('host', 'POST', `/api/events/demo/sessions/${followed}/start`);
    const later = await plan('Panel: open data in the field', 'panel', 2 * hour);
    const asked = 'Will the field sensors be shared with partner universities?';
    await h.api('attendee', 'POST', `/api/events/demo/sessions/${later}/questions`, { text: asked });

    const moderation = await h.openConsole('moderator', '#/qa/keynote');
    const state = moderation.locator('.qa-view .monitor-state');
    const chosen = moderation.locator('#qa-session');
    await waitFor(async () => (await chosen.inputValue()) === followed, {
      what: 'the moderation view following the live session',
      timeoutMs: 15_000,
    });
    await state.and(moderation.locator('[data-state="live"]')).waitFor();

    // Listing a session's questions is one HVALS; with it refused, the subscription is answered `unavailable`.
    await admin.client?.sendCommand(['ACL', 'SETUSER', 'default', '-hvals']);
    await chosen.selectOption(later);
    await moderation.locator('.qa-view .form-error[role="alert"]').waitFor();
    await state.and(moderation.locator('[data-state="reconnecting"]')).waitFor();

    await admin.client?.sendCommand(['ACL', 'SETUSER', 'default', '+hvals']);
    // No reload and no reconnection: the page's own retry brings the session's questions.
    await state.and(moderation.locator('[data-state="live"]')).waitFor({ timeout: 15_000 });
    await moderation.locator('.question-card .question-text', { hasText: asked }).waitFor();
    await moderation.locator('.qa-view .form-error[role="alert"]').waitFor({ state: 'detached' });
    const problems = h.problems();
    if (problems.length > 0) throw new Error(`pages reported problems:\n${problems.join('\n')}`);
  });
});
