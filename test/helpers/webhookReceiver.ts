import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../../scripts/lib/wait';

/** One request the receiver got, and whether the Standard Webhooks library verified it. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  verified: boolean;
  /** What the receiver answered. */
  status: number;
  /** The parsed body when it verified. */
  payload: { type: string; eventId: string; stageId: string | null; sequence: number | null; data: unknown } | null;
}

/**
 * A partner's webhook receiver on 127.0.0.1: verifies each request with the `standardwebhooks` library
 * against the secret it was given, answers what `answer` says (200 by default), and keeps everything.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret: string | null = null;
  /** The status for a request, decided from what came before it. */
  answer: (id: string, received: Received[]) => number = () => 200;
  /** Answered with a redirect to this URL instead, when set. */
  redirectTo: string | null = null;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks'): Promise<WebhookReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    server.on('request', (req, res) => receiver.#handle(req, res));
    return receiver;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let payload: Received['payload'] = null;
      try {
        if (this.secret) payload = new Webhook(this.secret).verify(body, headers) as Received['payload'];
      } catch {
        payload = null;
      }
      const status = this.redirectTo ? 307 : this.answer(headers['webhook-id'], this.received);
      this.received.push({
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        verified: payload !== null,
        status,
        payload,
      });
      if (this.redirectTo) res.setHeader('location', this.redirectTo);
      res.statusCode = status;
      res.end();
    });
  }

  /** Verified messages answered 2xx, one per webhook-id. */
  delivered(): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => r.verified && r.status < 300 && !seen.has(r.id) && seen.add(r.id));
  }

  async waitFor(what: string, condition: (received: Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => condition(this.received), timeoutMs, what);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
