import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The newest HLS segments in memory. Every player of a stage asks for the same new segment within a
 * second of it being listed: read once (concurrent misses share the read), then answered from
 * memory. Segment files are never rewritten (their names carry a sequence that only rises), so a path
 * names one content for good. Bounded by bytes; the least recently used go first.
 */
export class SegmentCache {
  readonly #entries = new Map<string, Buffer>();
  readonly #reading = new Map<string, Promise<Buffer>>();
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async get(file: string): Promise<Buffer> {
    const cached = this.#entries.get(file);
    if (cached) {
      // Map order is insertion order: moved to the end, it is the most recently used.
      this.#entries.delete(file);
      this.#entries.set(file, cached);
      return cached;
    }
    let reading = this.#reading.get(file);
    if (!reading) {
      reading = fs.readFile(file).finally(() => this.#reading.delete(file));
      this.#reading.set(file, reading);
      reading.then((body) => this.#keep(file, body)).catch(() => undefined);
    }
    return reading;
  }

  #keep(file: string, body: Buffer): void {
    if (body.length > this.maxBytes || this.#entries.has(file)) return;
    this.#entries.set(file, body);
    this.#bytes += body.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.length;
    }
  }
}

/**
 * Answers a body from memory with ranges as players and CDNs use them: one range (`bytes=a-b`, `a-`,
 * `-n`) is answered 206, an unsatisfiable one 416, anything else (several ranges) the whole body.
 * Headers only for a HEAD request.
 */
export function sendWithRanges(req: IncomingMessage, res: ServerResponse, body: Buffer, head = false): void {
  res.setHeader('Accept-Ranges', 'bytes');
  const match = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) {
    res.statusCode = 200;
    res.setHeader('Content-Length', body.length);
    res.end(head ? undefined : body);
    return;
  }
  const [, from, to] = match;
  const start = from === '' ? Math.max(0, body.length - Number(to)) : Number(from);
  const end = from === '' || to === '' ? body.length - 1 : Math.min(Number(to), body.length - 1);
  if (start > end || start >= body.length) {
    res.statusCode = 416;
    res.setHeader('Content-Range', `bytes */${body.length}`);
    res.end();
    return;
  }
  res.statusCode = 206;
  res.setHeader('Content-Range', `bytes ${start}-${end}/${body.length}`);
  res.setHeader('Content-Length', end - start + 1);
  res.end(head ? undefined : body.subarray(start, end + 1));
}
