// The cluster benchmark's Q&A part: attendees subscribed to one session on each node (a qaClients.ts
// process per node), upvotes made over REST on the first node; from each upvote's request to its
// delivery at every attendee, per node, and per upvote the difference between the nodes' medians (what
// the Socket.IO Redis adapter's hop adds for the other node's clients).
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { tokenFor } from '../lib/inProcess';
import type { ClusterNode } from './clusterNodeProcess';
import { accountCpu } from './cpuTime';
import type { QaClientsCommand, QaClientsReport } from './qaClients';
import { summarize } from './stats';

export interface QaOptions {
  stageId: string;
  attendeesPerNode: number;
  votes: number;
  /** Pause after each upvote before its deliveries are collected. */
  intervalMs: number;
}

function nextReport(child: ChildProcess): Promise<QaClientsReport> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`Q&A client process exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as QaClientsReport);
    });
  });
}

/** `origin` takes the REST calls; `children` receives the client processes (the caller ends them). */
export async function measureQa(
  origin: ClusterNode,
  edge: ClusterNode,
  options: QaOptions,
  processes: Record<string, number | undefined>,
  children: ChildProcess[],
  log: (message: string) => void,
): Promise<object> {
  const call = async (method: string, url: string, role: 'host' | 'moderator' | 'attendee', body?: unknown): Promise<{ id: string }> => {
    const res = await fetch(`${origin.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const session = await call('POST', '/api/events/demo/sessions', 'host', {
    stageId: options.stageId,
    title: 'Cluster Q&A',
    kind: 'panel',
    speakerIds: [],
    plannedStart: '2031-01-01T09:00:00Z',
    plannedEnd: '2031-01-01T10:00:00Z',
  });
  const base = `/api/events/demo/sessions/${session.id}`;
  const question = await call('POST', `${base}/questions`, 'attendee', { text: 'How far does one node go?' });
  await call('POST', `${base}/questions/${question.id}/moderate`, 'moderator', { action: 'approve' });

  log(`Q&A: ${options.attendeesPerNode} attendees on each node (one client process per node)`);
  const clients = [origin, edge].map((node) => {
    const child = fork(path.join(__dirname, 'qaClients.ts'), [node.url, session.id, String(options.attendeesPerNode)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(child);
    return { node: node.name, child };
  });
  await Promise.all(clients.map(({ child }) => nextReport(child)));

  const latencies: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const hop: number[] = [];
  const requestMs: number[] = [];
  let missing = 0;
  const cpu = accountCpu({ ...processes, qaClientsA: clients[0]?.child.pid, qaClientsB: clients[1]?.child.pid });
  for (let v = 1; v <= options.votes; v++) {
    const sentAt = performance.timeOrigin + performance.now();
    await call('POST', `${base}/questions/${question.id}/upvote`, 'attendee');
    requestMs.push(performance.timeOrigin + performance.now() - sentAt);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    const medians: Partial<Record<'A' | 'B', number>> = {};
    for (const { node, child } of clients) {
      const reply = nextReport(child);
      child.send({ type: 'collect', questionId: question.id, votes: v } satisfies QaClientsCommand);
      const report = await reply;
      const arrivals = report.type === 'arrivals' ? report.arrivals : [];
      missing += arrivals.filter((t) => t === null).length;
      const ms = arrivals.flatMap((t) => (t === null ? [] : [t - sentAt]));
      latencies[node].push(...ms);
      if (ms.length > 0) medians[node] = summarize(ms).p50;
    }
    if (medians.A !== undefined && medians.B !== undefined) hop.push(medians.B - medians.A);
  }
  const cpuReport = cpu.stop();
  const onA = summarize(latencies.A);
  const onB = summarize(latencies.B);
  log(`Q&A: upvote → delivery p50 ${onA.p50} ms on A, ${onB.p50} ms on B; adapter hop p50 ${summarize(hop).p50} ms`);
  return {
    attendeesPerNode: options.attendeesPerNode,
    upvotes: options.votes,
    action: 'upvote over REST on node A (a new participant each time), pushed as questionUpdated to every subscribed attendee',
    upvoteRequestMs: summarize(requestMs),
    deliveryOnOriginNodeMs: onA,
    deliveryOnEdgeNodeMs: onB,
    adapterHopMs: summarize(hop),
    adapterHop: "per upvote: median delivery at B's attendees minus median at A's (Redis pub/sub, B's adapter and event loop)",
    missingDeliveries: missing,
    cpu: cpuReport,
  };
}
