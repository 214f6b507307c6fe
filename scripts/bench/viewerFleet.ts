// The parent's side of viewerClients.ts: signaling viewers spread over several client processes (one
// Node process holding thousands of socket.io clients would be the bottleneck, and must not be the
// server's). Every command's count is split evenly over the processes and their outcomes summed.
import path from 'node:path';
import { RpcChild } from './rpc';
import type { SignalingExchange } from '../lib/viewer';
import type { Departure, FleetStatus, Outcome, ViewerClientsApi } from './viewerClients';

/** `count` split into `parts` shares that differ by at most one. */
function split(count: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0));
}

/** `count` shared in proportion to `weights` (largest remainders first). */
function apportion(count: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) return split(count, weights.length);
  const exact = weights.map((w) => (count * w) / total);
  const shares = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  const missing = count - shares.reduce((s, n) => s + n, 0);
  for (let k = 0; k < missing; k++) shares[byRemainder[k].i] += 1;
  return shares;
}

function sumOutcomes(outcomes: Outcome[]): Outcome {
  return {
    ok: outcomes.reduce((s, o) => s + o.ok, 0),
    failed: outcomes.reduce((s, o) => s + o.failed, 0),
    errors: outcomes.flatMap((o) => o.errors).slice(0, 5),
  };
}

type Client = RpcChild<ViewerClientsApi, { pid: number }>;

export class ViewerFleet {
  private constructor(private readonly clients: Client[]) {}

  static async start(url: string, stageId: string, processes: number): Promise<ViewerFleet> {
    const file = path.join(__dirname, 'viewerClients.ts');
    const started = await Promise.allSettled(
      Array.from({ length: processes }, () => RpcChild.start<ViewerClientsApi, { pid: number }>(file, [url, stageId])),
    );
    const clients = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(clients.map((c) => c.stop()));
      throw failure.reason;
    }
    return new ViewerFleet(clients);
  }

  get pids(): number[] {
    return this.clients.map((c) => c.pid);
  }

  async #each(count: number, call: (client: Client, share: number) => Promise<Outcome>): Promise<Outcome> {
    const shares = split(count, this.clients.length);
    return sumOutcomes(await Promise.all(this.clients.map((client, i) => call(client, shares[i]))));
  }

  connect(count: number): Promise<Outcome> {
    return this.#each(count, (c, share) => c.call('connect', { count: share }));
  }

  join(count: number): Promise<Outcome> {
    return this.#each(count, (c, share) => c.call('join', { count: share }));
  }

  openTransports(count: number): Promise<Outcome> {
    return this.#each(count, (c, share) => c.call('openTransports', { count: share }));
  }

  consume(count: number): Promise<Outcome> {
    return this.#each(count, (c, share) => c.call('consume', { count: share }));
  }

  /** `count` viewers arriving evenly over `overMs` in every process at once; each one's join time. */
  async flashCrowd(count: number, overMs: number, separately = false): Promise<Outcome & { joinMs: number[]; toHls: number }> {
    const shares = split(count, this.clients.length);
    const results = await Promise.all(this.clients.map((client, i) => client.call('flashCrowd', { count: shares[i], overMs, separately })));
    return { ...sumOutcomes(results), joinMs: results.flatMap((r) => r.joinMs), toHls: results.reduce((s, r) => s + r.toHls, 0) };
  }

  /** One viewer's join, the watch page's way: its requests and their answers. */
  recordJoin(): Promise<SignalingExchange[]> {
    return this.clients[0].call('recordJoin', {});
  }

  /** `flashCrowd` against a bare Socket.IO server replaying `exchanges` (signalingFloor.ts). */
  floorCrowd(url: string, count: number, overMs: number, exchanges: SignalingExchange[]): Promise<Outcome> {
    return this.#each(count, (c, share) => c.call('floorCrowd', { url, count: share, overMs, exchanges }));
  }

  async closeFloor(): Promise<Outcome> {
    return sumOutcomes(await Promise.all(this.clients.map((c) => c.call('closeFloor', {}))));
  }

  async arrive(count: number, withMedia: number): Promise<Outcome> {
    const media = split(withMedia, this.clients.length);
    return this.#each(count, (c, share) => c.call('arrive', { count: share, withMedia: media[this.clients.indexOf(c)] }));
  }

  /** Departures are shared in proportion to each process's joined viewers, so no process runs dry. */
  async depart(counts: { leave: number; drop: number; blink: number }, blinkPauseMs: number): Promise<Departure> {
    const joined = (await Promise.all(this.clients.map((c) => c.call('status', {})))).map((s) => s.joined);
    const [leave, drop, blink] = [apportion(counts.leave, joined), apportion(counts.drop, joined), apportion(counts.blink, joined)];
    const results = await Promise.all(
      this.clients.map((c, i) => c.call('depart', { leave: leave[i], drop: drop[i], blink: blink[i], blinkPauseMs })),
    );
    const sum = (key: 'left' | 'dropped' | 'blinked'): number => results.reduce((s, r) => s + r[key], 0);
    return { ...sumOutcomes(results), left: sum('left'), dropped: sum('dropped'), blinked: sum('blinked') };
  }

  async departAll(leaveShare: number): Promise<Outcome> {
    return sumOutcomes(await Promise.all(this.clients.map((c) => c.call('departAll', { leaveShare }))));
  }

  async status(): Promise<FleetStatus> {
    const all = await Promise.all(this.clients.map((c) => c.call('status', {})));
    const sum = (key: keyof FleetStatus): number => all.reduce((s, x) => s + x[key], 0);
    return {
      viewers: sum('viewers'),
      connected: sum('connected'),
      joined: sum('joined'),
      withTransport: sum('withTransport'),
      consumers: sum('consumers'),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
  }
}
