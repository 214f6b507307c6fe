// qa: N attendees subscribed to one session's Q&A (spread over client processes); M upvotes, each
// from a new participant over REST. Reports, from each upvote's request to its delivery at every
// attendee, p50/p99 over all deliveries, and the time until the last attendee heard it.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { tokenFor } from '../lib/inProcess';
import { startServer } from '../lib/serverProcess';
import type { QaClientsCommand, QaClientsReport } from './qaClients';
import { summarize } from './stats';

function log(message: string): void {
  process.stderr.write(`[qa] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nextReport(child: ChildProcess): Promise<QaClientsReport> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as QaClientsReport));
    child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
  });
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      attendees: { type: 'string', default: '2000' },
      votes: { type: 'string', default: '20' },
      processes: { type: 'string', default: '2' },
    },
  });
  const attendees = Number(values.attendees);
  const votes = Number(values.votes);
  const processes = Number(values.processes);
  const server = await startServer({ LOG_LEVEL: 'warn', MEDIASOUP_NUM_WORKERS: '1' });
  const children: ChildProcess[] = [];
  try {
    const call = async (method: string, url: string, role: 'host' | 'moderator' | 'attendee', body?: unknown): Promise<{ id: string }> => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const session = await call('POST', '/api/events/demo/sessions', 'host', {
      stageId: 'release',
      title: 'Q&A load',
      kind: 'panel',
      speakerIds: [],
      plannedStart: '2026-12-01T16:00:00+08:00',
      plannedEnd: '2026-12-01T17:00:00+08:00',
    });
    const base = `/api/events/demo/sessions/${session.id}`;
    const question = await call('POST', `${base}/questions`, 'attendee', { text: 'How does it scale?' });
    await call('POST', `${base}/questions/${question.id}/moderate`, 'moderator', { action: 'approve' });

    log(`${attendees} attendees in ${processes} client processes`);
    for (let i = 0; i < processes; i++) {
      const share = Math.floor(attendees / processes) + (i < attendees % processes ? 1 : 0);
      children.push(
        fork(path.join(__dirname, 'qaClients.ts'), [server.url, session.id, String(share)], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
    }
    const ready = await Promise.all(children.map(nextReport));
    log(`connected: ${ready.map((r) => (r.type === 'ready' ? r.sockets : 0)).join(' + ')} sockets`);

    const deliveries: number[] = [];
    const lastDelivery: number[] = [];
    let missing = 0;
    for (let v = 1; v <= votes; v++) {
      const sentAt = performance.timeOrigin + performance.now();
      await call('POST', `${base}/questions/${question.id}/upvote`, 'attendee');
      await sleep(1000);
      const replies = await Promise.all(
        children.map((child) => {
          const reply = nextReport(child);
          child.send({ type: 'collect', questionId: question.id, votes: v } satisfies QaClientsCommand);
          return reply;
        }),
      );
      const arrivals = replies.flatMap((r) => (r.type === 'arrivals' ? r.arrivals : []));
      missing += arrivals.filter((t) => t === null).length;
      const latencies = arrivals.flatMap((t) => (t === null ? [] : [t - sentAt]));
      deliveries.push(...latencies);
      lastDelivery.push(Math.max(...latencies));
      log(`vote ${v}: last attendee after ${lastDelivery.at(-1)!.toFixed(1)} ms`);
    }
    return {
      attendees,
      votes,
      clientProcesses: processes,
      upvoteToDeliveryMs: summarize(deliveries),
      upvoteToLastAttendeeMs: summarize(lastDelivery),
      missingDeliveries: missing,
    };
  } finally {
    for (const child of children) child.disconnect();
    await server.dispose();
  }
}
