import assert from 'node:assert/strict';
import { startStagecast } from '../helpers/stagecast';

const PAGES = ['/', '/watch/demo/keynote', '/speak/demo/keynote', '/admin', '/api/public/events'];

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '').split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('HSTS and upgrade-insecure-requests follow the node’s public URL', function () {
  this.timeout(30_000);

  for (const [publicUrl, https] of [
    ['https://stagecast.example.org', true],
    ['http://hall-7.lan:3000', false],
    [undefined, false],
  ] as const) {
    it(`PUBLIC_URL ${publicUrl ?? 'unset (http://<announced ip>:<port>)'}: ${https ? 'sent' : 'not sent'} with every page`, async () => {
      const stagecast = await startStagecast({ MEDIASOUP_NUM_WORKERS: '1', ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}) });
      try {
        for (const page of PAGES) {
          const res = await fetch(`${stagecast.url}${page}`);
          assert.equal(res.status, 200, page);
          const csp = directives(res.headers.get('content-security-policy'));
          assert.deepEqual(csp.get('default-src'), ["'self'"], `${page}: the rest of the policy stays`);
          if (https) {
            assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/, page);
            assert.ok(csp.has('upgrade-insecure-requests'), page);
          } else {
            assert.equal(res.headers.get('strict-transport-security'), null, page);
            assert.equal(csp.has('upgrade-insecure-requests'), false, page);
          }
        }
      } finally {
        await stagecast.stop();
      }
    });
  }
});
