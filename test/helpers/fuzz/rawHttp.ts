import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as is: already percent-encoded, possibly with sequences that decode to nothing valid. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawReply {
  status: number;
  contentType: string;
  text: string;
}

/** An HTTP client that sends exactly the bytes it is given (fetch would normalise paths and bodies). */
export class RawHttp {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  constructor(private readonly base: URL) {}

  send(request: RawRequest): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body) headers['content-length'] = request.body.length;
      const req = http.request(
        { host: this.base.hostname, port: this.base.port, method: request.method, path: request.path, headers, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
