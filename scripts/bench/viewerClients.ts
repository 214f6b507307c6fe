// A child process of the memory and soak benchmarks: holds many signaling viewers (scripts/lib/viewer.ts)
// of one stage, so their sockets cost this process and not the benchmark's or the server's. The parent
// drives it over IPC (rpc.ts): connect, join, open receive transports, consume, and churn (arrivals
// and departures: leave, dropped connection, blink-and-resume).
// argv: <url> <stageId>
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTokenSigner } from '../../server/auth/tokens';
import { DEV_JWT_SECRET } from '../../server/config';
import { type ClientSocket, connect, rawRequest } from '../lib/signalingClient';
import { type SignalingExchange, Viewer } from '../lib/viewer';
import { type RpcHandlers, serveRpc } from './rpc';

/** How many requests one process keeps in flight: a connect storm would measure the storm instead. */
const BATCH = 50;

export interface Outcome {
  ok: number;
  failed: number;
  /** The first few failures' messages. */
  errors: string[];
}

/** What a departure did: the viewers that left, dropped or blinked (fewer than asked if too few were joined). */
export interface Departure extends Outcome {
  left: number;
  dropped: number;
  blinked: number;
}

export interface FleetStatus {
  viewers: number;
  connected: number;
  joined: number;
  withTransport: number;
  consumers: number;
}

export type ViewerClientsApi = {
  connect: { args: { count: number }; result: Outcome };
  join: { args: { count: number }; result: Outcome };
  openTransports: { args: { count: number }; result: Outcome };
  consume: { args: { count: number }; result: Outcome };
  /** New viewers join; the first `withMedia` of them also open a transport and consume everything. */
  arrive: { args: { count: number; withMedia: number }; result: Outcome };
  /**
   * New viewers arrive evenly over `overMs`, each joining fully; answers each one's connect → consumers
   * resumed time. `separately`: a request per step (join, transport, and a consume and a resume per
   * producer) instead of the watch page's join with its transport and one consumeMany.
   */
  flashCrowd: { args: { count: number; overMs: number; separately: boolean }; result: Outcome & { joinMs: number[]; toHls: number } };
  /** One viewer joins the watch page's way and leaves; its requests and the answers it got. */
  recordJoin: { args: Record<string, never>; result: SignalingExchange[] };
  /**
   * Like `flashCrowd`, against a bare Socket.IO server at `url` (signalingFloor.ts): each arrival
   * connects with a token and sends the recorded requests one after the other. The sockets stay open.
   */
  floorCrowd: { args: { url: string; count: number; overMs: number; exchanges: SignalingExchange[] }; result: Outcome };
  closeFloor: { args: Record<string, never>; result: Outcome };
  /** Random joined viewers go: `leave` ones say so, `drop` ones just disconnect, `blink` ones come back and resume. */
  depart: { args: { leave: number; drop: number; blink: number; blinkPauseMs: number }; result: Departure };
  /** Every viewer goes: a `leaveShare` of them leave, the others drop their connection. */
  departAll: { args: { leaveShare: number }; result: Outcome };
  status: { args: Record<string, never>; result: FleetStatus };
};

async function inBatches<T>(items: T[], step: (item: T) => Promise<void>, batch = BATCH): Promise<Outcome> {
  const outcome: Outcome = { ok: 0, failed: 0, errors: [] };
  for (let start = 0; start < items.length; start += batch) {
    const settled = await Promise.allSettled(items.slice(start, start + batch).map(step));
    for (const result of settled) {
      if (result.status === 'fulfilled') outcome.ok += 1;
      else {
        outcome.failed += 1;
        if (outcome.errors.length < 5) outcome.errors.push(String(result.reason));
      }
    }
  }
  return outcome;
}

/** Removes and answers `count` random elements matching `pick`. */
function takeRandom<T>(list: T[], count: number, pick: (item: T) => boolean): T[] {
  const taken: T[] = [];
  const candidates = list.filter(pick);
  while (taken.length < count && candidates.length > 0) {
    const [item] = candidates.splice(Math.floor(Math.random() * candidates.length), 1);
    taken.push(item);
  }
  return taken;
}

async function main(): Promise<void> {
  const [url, stageId] = process.argv.slice(2);
  if (!url || !stageId) throw new Error('usage: viewerClients <url> <stageId>');
  const signer = createTokenSigner(DEV_JWT_SECRET, 24 * 3600);
  let seq = 0;
  let viewers: Viewer[] = [];
  let floorSockets: ClientSocket[] = [];
  const newToken = (): string => signer.sign({ role: 'attendee', eventId: 'demo', name: `viewer ${process.pid}-${++seq}` });

  const connectNew = async (count: number): Promise<{ outcome: Outcome; fresh: Viewer[] }> => {
    const fresh: Viewer[] = [];
    const outcome = await inBatches(Array.from({ length: count }), async () => {
      fresh.push(await Viewer.connect(url, newToken()));
    });
    viewers.push(...fresh);
    return { outcome, fresh };
  };
  const remove = (gone: Viewer[]): void => {
    const set = new Set(gone);
    viewers = viewers.filter((v) => !set.has(v));
  };

  const handlers: RpcHandlers<ViewerClientsApi> = {
    async connect({ count }) {
      return (await connectNew(count)).outcome;
    },
    async join({ count }) {
      return inBatches(viewers.filter((v) => v.connected && !v.joined).slice(0, count), async (v) => void (await v.join(stageId)));
    },
    async openTransports({ count }) {
      return inBatches(viewers.filter((v) => v.joined && !v.hasTransport).slice(0, count), (v) => v.openRecvTransport());
    },
    async consume({ count }) {
      return inBatches(
        viewers.filter((v) => v.hasTransport && v.consumers === 0).slice(0, count),
        async (v) => void (await v.consumeAll()),
      );
    },
    async arrive({ count, withMedia }) {
      const { outcome, fresh } = await connectNew(count);
      const joining = await inBatches(fresh, async (v) => void (await v.join(stageId)));
      const media = await inBatches(fresh.filter((v) => v.joined).slice(0, withMedia), async (v) => {
        await v.openRecvTransport();
        await v.consumeAll();
      });
      // A viewer that failed to join is of no use: let it go.
      const useless = fresh.filter((v) => !v.joined);
      for (const v of useless) v.close();
      remove(useless);
      return {
        ok: outcome.ok + joining.ok + media.ok,
        failed: outcome.failed + joining.failed + media.failed,
        errors: [...outcome.errors, ...joining.errors, ...media.errors].slice(0, 5),
      };
    },
    async flashCrowd({ count, overMs, separately }) {
      const outcome: Outcome & { joinMs: number[]; toHls: number } = { ok: 0, failed: 0, errors: [], joinMs: [], toHls: 0 };
      const started = performance.now();
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          await sleep(Math.max(0, (i * overMs) / count - (performance.now() - started)));
          const arrived = performance.now();
          try {
            const viewer = await Viewer.connect(url, newToken());
            viewers.push(viewer);
            await viewer.join(stageId, { recvTransport: !separately });
            await viewer.openRecvTransport();
            await viewer.consumeAll({ separately });
            outcome.joinMs.push(performance.now() - arrived);
            outcome.ok += 1;
          } catch (error) {
            // Answered with HLS (the node is behind the crowd): admitted, as the page would be.
            if (String(error).includes('watch over HLS')) outcome.toHls += 1;
            else {
              outcome.failed += 1;
              if (outcome.errors.length < 5) outcome.errors.push(String(error));
            }
          }
        }),
      );
      return outcome;
    },
    async recordJoin() {
      const viewer = await Viewer.connect(url, newToken());
      const exchanges = viewer.record();
      try {
        await viewer.join(stageId, { recvTransport: true });
        await viewer.openRecvTransport();
        await viewer.consumeAll();
        // A copy: the leave below is recorded too, and is no part of a join.
        return [...exchanges];
      } finally {
        await viewer.leave();
      }
    },
    async floorCrowd({ url: floorUrl, count, overMs, exchanges }) {
      const started = performance.now();
      return inBatches(
        Array.from({ length: count }, (_, i) => i),
        async (i) => {
          await sleep(Math.max(0, (i * overMs) / count - (performance.now() - started)));
          const socket = await connect(floorUrl, newToken());
          floorSockets.push(socket);
          for (const { event, payload } of exchanges) {
            const answer = await rawRequest(socket, event, payload);
            if (!answer.ok) throw new Error(`${event}: ${answer.error.message}`);
          }
        },
        count,
      );
    },
    async closeFloor() {
      for (const socket of floorSockets) socket.disconnect();
      const closed = floorSockets.length;
      floorSockets = [];
      return { ok: closed, failed: 0, errors: [] };
    },
    async depart({ leave, drop, blink, blinkPauseMs }) {
      const joined = (v: Viewer): boolean => v.joined && v.connected;
      const leaving = takeRandom(viewers, leave, joined);
      remove(leaving);
      const dropping = takeRandom(viewers, drop, joined);
      remove(dropping);
      for (const v of dropping) v.close();
      const blinking = takeRandom(viewers, blink, joined);
      // A viewer whose reconnect or resume failed is gone for good.
      const lost: Viewer[] = [];
      const blinkOne = async (v: Viewer): Promise<void> => {
        try {
          await v.blink(blinkPauseMs);
        } catch (error) {
          lost.push(v);
          v.close();
          throw error;
        }
      };
      const [left, blinked] = await Promise.all([inBatches(leaving, (v) => v.leave()), inBatches(blinking, blinkOne)]);
      remove(lost);
      return {
        ok: left.ok + dropping.length + blinked.ok,
        failed: left.failed + blinked.failed,
        errors: [...left.errors, ...blinked.errors].slice(0, 5),
        left: leaving.length,
        dropped: dropping.length,
        blinked: blinking.length,
      };
    },
    async departAll({ leaveShare }) {
      const going = viewers;
      viewers = [];
      const leaving = going.slice(0, Math.round(going.length * leaveShare));
      for (const v of going.slice(leaving.length)) v.close();
      const left = await inBatches(leaving, (v) => v.leave());
      return { ok: left.ok + going.length - leaving.length, failed: left.failed, errors: left.errors };
    },
    async status() {
      return {
        viewers: viewers.length,
        connected: viewers.filter((v) => v.connected).length,
        joined: viewers.filter((v) => v.joined).length,
        withTransport: viewers.filter((v) => v.hasTransport).length,
        consumers: viewers.reduce((sum, v) => sum + v.consumers, 0),
      };
    },
  };
  serveRpc<ViewerClientsApi>(handlers, { pid: process.pid }, async () => {
    for (const v of viewers) v.close();
    for (const socket of floorSockets) socket.disconnect();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`viewerClients: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
