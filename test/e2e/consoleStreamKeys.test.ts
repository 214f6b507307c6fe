import assert from 'node:assert/strict';
import { validOffer } from '../helpers/whipOffers';
import { ConsoleHarness } from './consoleHarness';

/** A WHIP publish with `key`, answered with its status; a created session is ended again. */
async function whipStatus(origin: string, key: string): Promise<number> {
  const response = await fetch(`${origin}/whip/demo/keynote`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/sdp' },
    body: validOffer(),
  });
  await response.text();
  const location = response.headers.get('location');
  if (response.status === 201 && location) {
    await fetch(new URL(location, origin), { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  }
  return response.status;
}

describe("Console: a stage's encoder keys are created, shown once and revoked in the stage view", function () {
  this.timeout(90_000);
  const harness = new ConsoleHarness();

  before(async function () {
    this.timeout(60_000);
    await harness.start();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(await harness.diagnostics());
  });

  after(async function () {
    this.timeout(30_000);
    await harness.stop();
  });

  it('a key made in the console publishes over WHIP until it is revoked there', async () => {
    const page = await harness.openConsole('host', '#/stage/keynote');
    const panel = page.locator('.stream-keys');
    await panel.getByText('No encoder key for this stage.').waitFor({ timeout: 20_000 });
    await panel.getByLabel('Key label').fill('OBS desk 2');
    await panel.getByRole('button', { name: 'New key' }).click();
    const key = ((await page.locator('#created-key').textContent({ timeout: 10_000 })) ?? '').trim();
    assert.match(key, /^demo\.[0-9a-f]{16}\.\S+$/, `the key as shown: ${key}`);
    assert.match((await panel.textContent()) ?? '', /whip\/demo\/keynote/, 'the WHIP address is shown with it');
    // Where other players take the program from: the WHEP address answers an offer's preflight there.
    const playback = (await panel.locator('#playback-addresses code').allTextContents()).map((text) => text.trim());
    assert.deepEqual(playback, [`${harness.origin}/whep/demo/keynote`, `${harness.origin}/hls/demo/keynote/master.m3u8`]);
    assert.equal((await fetch(playback[0] ?? '', { method: 'OPTIONS' })).status, 204);
    await panel.locator('li', { hasText: 'OBS desk 2' }).waitFor();

    assert.equal(await whipStatus(harness.origin, key), 201, 'the new key publishes');

    await panel.locator('li', { hasText: 'OBS desk 2' }).getByRole('button', { name: 'Revoke' }).click();
    await panel.getByText('No encoder key for this stage.').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#created-key').count(), 0, 'the secret is gone from the page');
    assert.equal(await whipStatus(harness.origin, key), 401, 'the revoked key is refused');
    assert.deepEqual(harness.problems(), []);
  });
});
