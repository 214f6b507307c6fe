import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { SegmentCache, sendWithRanges } from '../../server/http/segmentCache';

describe('HLS segments from memory', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-segments-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function segment(name: string, bytes: number): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(bytes, name.charCodeAt(0)));
    return file;
  }

  it('reads a segment once for concurrent requests, keeps it, and drops the least recently used past its bound', async () => {
    const cache = new SegmentCache(250);
    const a = segment('a.ts', 100);
    const b = segment('b.ts', 100);
    const c = segment('c.ts', 100);
    const [first, second] = await Promise.all([cache.get(a), cache.get(a)]);
    assert.equal(first, second, 'one read for both');
    fs.rmSync(a);
    assert.equal((await cache.get(a)).length, 100, 'kept in memory once read');
    await cache.get(b);
    await cache.get(a); // a is now the most recently used
    await cache.get(c); // 300 bytes > 250: b goes
    fs.rmSync(b);
    fs.rmSync(c);
    await assert.rejects(cache.get(b), { code: 'ENOENT' });
    assert.equal((await cache.get(a))[0], 'a'.charCodeAt(0));
    assert.equal((await cache.get(c))[0], 'c'.charCodeAt(0));
  });

  it('answers one range 206, an unsatisfiable one 416, and no or several ranges with the whole body', async () => {
    const body = Buffer.from('0123456789');
    const app = express();
    app.get('/s', (req, res) => sendWithRanges(req, res, body));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/s`;
    const get = async (range?: string): Promise<[number, string, string | null]> => {
      const res = await fetch(url, range ? { headers: { range } } : {});
      return [res.status, await res.text(), res.headers.get('content-range')];
    };
    try {
      assert.deepEqual(await get(), [200, '0123456789', null]);
      assert.deepEqual(await get('bytes=2-4'), [206, '234', 'bytes 2-4/10']);
      assert.deepEqual(await get('bytes=7-'), [206, '789', 'bytes 7-9/10']);
      assert.deepEqual(await get('bytes=-3'), [206, '789', 'bytes 7-9/10']);
      assert.deepEqual(await get('bytes=5-100'), [206, '56789', 'bytes 5-9/10']);
      assert.deepEqual(await get('bytes=10-12'), [416, '', 'bytes */10']);
      assert.deepEqual(await get('bytes=0-1,4-5'), [200, '0123456789', null]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
