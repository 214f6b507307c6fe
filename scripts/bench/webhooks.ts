// webhooks: a node delivering to local receivers. N changes (sessions going live, spread over C stages
// changed concurrently), each fanned out to E endpoints on one receiver on 127.0.0.1 that answers 200
// at once. Reports deliveries per second (from the first change to the last delivery) and the
// first-attempt latency from each change's request to its arrival at the receiver (p50/p95/p99).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { tokenFor } from '../lib/inProcess';
import { startServer } from '../lib/serverProcess';
import { summarize } from './stats';

function log(message: string): void {
  process.stderr.write(`[webhooks] ${message}\n`);
}

const now = (): number => performance.timeOrigin + performance.now();

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      changes: { type: 'string', default: '200' },
      endpoints: { type: 'string', default: '4' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const changes = Number(values.changes);
  const endpoints = Number(values.endpoints);
  const lanes = Math.min(Number(values.concurrency), 19);
  const expected = changes * endpoints;

  // The receiver: counts each message once per endpoint path and notes when its change's message arrived first.
  const arrivals = new Map<string, number>();
  let received = 0;
  let lastArrival = 0;
  let done: () => void = () => undefined;
  const allDelivered = new Promise<void>((resolve) => {
    done = resolve;
  });
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      res.end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { id: string } };
      const key = `${req.url ?? ''} ${body.data.id}`;
      if (arrivals.has(key)) return;
      arrivals.set(key, at);
      received += 1;
      lastArrival = at;
      if (received === expected) done();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const server = await startServer({
    LOG_LEVEL: 'warn',
    MEDIASOUP_NUM_WORKERS: '1',
    ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
    RTC_LISTEN_IP: '127.0.0.1',
  });
  try {
    const call = async (method: string, url: string, role: 'host' | 'admin', body?: unknown): Promise<{ id: string }> => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    for (let e = 0; e < endpoints; e++) {
      await call('POST', '/api/events/demo/webhooks', 'admin', { url: `${base}/e${e}`, types: ['session.started'] });
    }
    // Sessions planned ahead on stages of their own, one lane of changes per stage.
    const plans: { id: string; lane: number }[] = [];
    for (let lane = 0; lane < lanes; lane++)
      await call('POST', '/api/events/demo/stages', 'admin', { id: `bench-${lane}`, name: `Bench ${lane}` });
    for (let i = 0; i < changes; i++) {
      const lane = i % lanes;
      const start = Date.UTC(2040, 0, 1) + Math.floor(i / lanes) * 600_000;
      const session = await call('POST', '/api/events/demo/sessions', 'host', {
        stageId: `bench-${lane}`,
        title: `Bench ${i}`,
        kind: 'report',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 300_000).toISOString(),
      });
      plans.push({ id: session.id, lane });
    }
    log(`${changes} changes × ${endpoints} endpoints over ${lanes} stages`);

    const sentAt = new Map<string, number>();
    const firstSent = now();
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (const plan of plans.filter((p) => p.lane === lane)) {
          sentAt.set(plan.id, now());
          await call('POST', `/api/events/demo/sessions/${plan.id}/start`, 'host');
        }
      }),
    );
    const timeout = new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`only ${received}/${expected} delivered after 120 s`)), 120_000).unref(),
    );
    await Promise.race([allDelivered, timeout]);
    const latencies = [...arrivals].map(([key, at]) => at - (sentAt.get(key.split(' ')[1] ?? '') ?? at));
    const seconds = (lastArrival - firstSent) / 1000;
    return {
      changes,
      endpoints,
      deliveries: received,
      deliveriesPerSecond: Math.round((received / seconds) * 10) / 10,
      firstAttemptLatencyMs: summarize(latencies),
    };
  } finally {
    await server.dispose();
    receiver.closeAllConnections();
    receiver.close();
  }
}
