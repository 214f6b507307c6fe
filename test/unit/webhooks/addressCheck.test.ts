import assert from 'node:assert/strict';
import { AppError } from '../../../server/errors';
import { isPublicAddress, type Resolve, resolvePublic } from '../../../server/webhooks/addressCheck';
import { sendWebhook } from '../../../server/webhooks/sender';

/** Names resolved from a table: no lookup leaves the process and no connection is made. */
function table(entries: Record<string, string[]>): Resolve & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<string[]> => {
    asked.push(host);
    const found = entries[host];
    if (!found) throw new Error(`ENOTFOUND ${host}`);
    return found;
  };
  return Object.assign(resolve, { asked });
}

async function refusedWith(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, 'bad_request');
    return error.message;
  }
  assert.fail('the target was accepted');
}

describe('webhook target address check', () => {
  it('refuses loopback, private, link-local, metadata and unique-local addresses, IPv4-mapped ones too', () => {
    const refused = [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '10.0.0.1',
      '10.255.255.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.20',
      '169.254.169.254',
      '169.254.0.1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.1.2.3',
      '::ffff:169.254.169.254',
      '0.0.0.0',
      '::',
      '100.64.0.1',
      '224.0.0.1',
      'not-an-address',
    ];
    for (const address of refused) assert.equal(isPublicAddress(address), false, `${address} was taken as public`);
  });

  it('accepts public unicast addresses, either family, and the ranges next to the private ones', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.15.255.255',
      '172.32.0.1',
      '192.169.0.1',
      '11.0.0.1',
      '2606:4700::1111',
      '::ffff:93.184.216.34',
    ]) {
      assert.equal(isPublicAddress(address), true, `${address} was refused`);
    }
  });

  it('judges a name by every address it resolves to', async () => {
    const resolve = table({
      'partner.example': ['93.184.216.34'],
      'sneaky.example': ['93.184.216.34', '10.0.0.5'],
      'metadata.example': ['169.254.169.254'],
      'mapped.example': ['::ffff:127.0.0.1'],
    });
    assert.deepEqual(await resolvePublic('partner.example', resolve), ['93.184.216.34']);
    assert.match(await refusedWith(resolvePublic('sneaky.example', resolve)), /10\.0\.0\.5/);
    assert.match(await refusedWith(resolvePublic('metadata.example', resolve)), /169\.254\.169\.254/);
    assert.match(await refusedWith(resolvePublic('mapped.example', resolve)), /ALLOW_PRIVATE_WEBHOOK_TARGETS/);
    assert.match(await refusedWith(resolvePublic('unknown.example', resolve)), /does not resolve/);
    // Address literals are judged as they are, without a lookup (bracketed IPv6 as a URL's hostname has it).
    assert.match(await refusedWith(resolvePublic('[::1]', resolve)), /::1/);
    assert.match(await refusedWith(resolvePublic('127.0.0.1', resolve)), /127\.0\.0\.1/);
    assert.deepEqual(resolve.asked, ['partner.example', 'sneaky.example', 'metadata.example', 'mapped.example', 'unknown.example']);
  });

  it('makes no attempt at a refused name: the sender answers the refusal without connecting', async () => {
    const resolve = table({ 'internal.example': ['192.168.0.10'] });
    const outcome = await sendWebhook('http://internal.example:9/hook', '{}', {}, { timeoutMs: 1000, allowPrivate: false, resolve });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.status === null && /192\.168\.0\.10/.test(outcome.error));
    const scheme = await sendWebhook('ftp://partner.example/x', '{}', {}, { timeoutMs: 1000, allowPrivate: false, resolve });
    assert.ok(!scheme.ok && /unsupported scheme/.test(scheme.error));
  });
});
