import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitFor } from '../helpers/net';
import { Teardown } from '../helpers/teardown';
import { WebhookReceiver } from '../helpers/webhookReceiver';
import { ConsoleHarness } from './consoleHarness';

/** Clicks the log's Refresh until a row in `status` shows, and answers its delivery id. */
async function deliveryRow(page: Page, status: string): Promise<string> {
  return waitFor(
    async () => {
      await page.locator('.delivery-log button', { hasText: 'Refresh' }).click();
      const row = page.locator(`.delivery-log tr[data-status="${status}"]`).first();
      return (await row.count()) > 0 ? ((await row.getAttribute('data-delivery')) ?? undefined) : undefined;
    },
    20_000,
    `a ${status} row in the delivery log`,
  );
}

describe('console integrations page (webhooks and API keys), in Chromium', function () {
  this.timeout(120_000);
  const h = new ConsoleHarness();
  const teardown = new Teardown();
  let receiver: WebhookReceiver;

  before(async function () {
    this.timeout(60_000);
    receiver = teardown.own('the receiver', await WebhookReceiver.start(), (r) => r.close());
    await h.start({ ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_POLL_MS: '100' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await h.diagnostics());
  });

  after(async function () {
    this.timeout(60_000);
    teardown.add('the console harness (pages, browser, server)', () => h.stop());
    await teardown.run();
  });

  it('an admin adds an endpoint, sees its delivery log, and sends a delivery again with the same webhook-id', async () => {
    const page = await h.openConsole('admin', '#/integrations');
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.locator('.secret-once [data-secret]').textContent();
    assert.match(secret ?? '', /^whsec_/);
    receiver.secret = secret;
    await page.getByRole('button', { name: 'Done' }).click();

    // A change: a stage of the demo event gets a session that goes live.
    const session = await h.api<{ id: string }>('host', 'POST', '/api/events/demo/sessions', {
      stageId: 'keynote',
      title: 'Partner keynote',
      kind: 'keynote',
      speakerIds: [],
      plannedStart: '2036-01-01T09:00:00Z',
      plannedEnd: '2036-01-01T09:30:00Z',
    });
    await h.api('host', 'POST', `/api/events/demo/sessions/${session.id}/start`);
    await receiver.waitFor('session.started', () => receiver.delivered().some((r) => r.payload?.type === 'session.started'));

    await page.locator('.endpoint').getByRole('button', { name: 'Deliveries' }).click();
    const deliveryId = await deliveryRow(page, 'delivered');
    const before = receiver.received.length;
    const row = page.locator(`.delivery-log tr[data-delivery="${deliveryId}"]`);
    const type = await row.locator('td').first().textContent();
    await row.getByRole('button', { name: 'Send again' }).click();
    await receiver.waitFor('the message sent again', (r) => r.length > before);
    const again = receiver.received[before];
    assert.ok(again.verified);
    assert.equal(again.payload?.type, type);
    assert.equal(receiver.received.filter((r) => r.id === again.id).length, 2, 'sent again under its first webhook-id');
    await h.screenshot(page, 'console-integrations.png');
    assert.deepEqual(h.problems(), []);
  });

  it('an admin creates an API key that works at once, and revokes it', async () => {
    const page = await h.openConsole('admin', '#/integrations', 'keys');
    await page.getByLabel('Key label').fill('Provincial platform');
    await page.getByLabel('Key role').selectOption('host');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.locator('.secret-once [data-secret]').textContent()) ?? '';
    assert.match(key, /^sck_demo\./);
    const call = async (): Promise<number> =>
      (await fetch(`${h.origin}/api/events/demo/stages/keynote/stream-keys`, { headers: { authorization: `Bearer ${key}` } })).status;
    assert.equal(await call(), 200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#api-keys tr', { hasText: 'Provincial platform' }).getByRole('button', { name: 'Revoke' }).click();
    await page.locator('#api-keys tr.revoked', { hasText: 'Provincial platform' }).waitFor();
    assert.equal(await call(), 401);
    assert.deepEqual(h.problems(), []);
  });
});
