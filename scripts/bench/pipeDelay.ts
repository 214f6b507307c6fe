// The same RTP packets received by consumers on different nodes, at UDP sinks on loopback stamped by
// the kernel (rtpArrivals.c, SO_TIMESTAMPNS): packets are matched by their payload (consumers rewrite
// SSRC, sequence numbers and the VP8 picture id, never the rest of the payload), and the arrival
// deltas between two sinks say how much later one path delivers the same packet.
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { buildHelper } from './benchMedia';
import type { EgressStream } from './clusterNode';
import type { ClusterNode } from './clusterNodeProcess';
import { accountCpu } from './cpuTime';
import { summarize, type Summary } from './stats';

/** Payload bytes left out of the hash: VP8's payload descriptor is at most 6 bytes. */
const SKIP_BYTES = 6;

export interface Arrival {
  socket: number;
  ssrc: number;
  payloadType: number;
  /** Kernel receive time, µs since the first record's second (only differences matter). */
  atUs: number;
  /** Payload length and hash: the packet's identity across consumers. */
  key: string;
}

/** The sink process: N sockets, recording between start() and stop(). */
export class RtpArrivals {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    readonly ports: number[],
  ) {}

  /** Builds the sink with gcc (into the bench directory) and starts it; throws when gcc is missing. */
  static async open(sockets: number): Promise<RtpArrivals> {
    const binary = buildHelper('rtpArrivals');
    const child = spawn(binary, [String(sockets), String(SKIP_BYTES)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done || !String(first.value).startsWith('ports ')) throw new Error('rtpArrivals did not tell its ports');
    return new RtpArrivals(child, lines, String(first.value).split(' ').slice(1).map(Number));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(): void {
    this.child.stdin!.write('start\n');
  }

  /** Stops recording and answers every packet recorded since start(). */
  async stop(): Promise<Arrival[]> {
    this.child.stdin!.write('stop\n');
    const arrivals: Arrival[] = [];
    let baseSec: number | null = null;
    for (;;) {
      const line = await this.lines.next();
      if (line.done) throw new Error('rtpArrivals exited');
      const text = String(line.value);
      if (text === 'end') return arrivals;
      const [socket, ssrc, payloadType, sec, nsec, length, hash] = text.split(' ');
      baseSec ??= Number(sec);
      arrivals.push({
        socket: Number(socket),
        ssrc: Number(ssrc),
        payloadType: Number(payloadType),
        atUs: (Number(sec) - baseSec) * 1e6 + Number(nsec) / 1e3,
        key: `${length}:${hash}`,
      });
    }
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}

export interface MatchResult {
  /** Packets each sink received in the window. */
  packets: [number, number];
  /** Packets seen exactly once at each sink; `deltasUs[i]` is the later sink's arrival minus the earlier's. */
  matched: number;
  /** Payloads seen more than once at a sink (a repeating audio frame, say): left out, they cannot be paired. */
  ambiguous: number;
  onlyFirst: number;
  onlySecond: number;
  /** Per matched packet: the second sink's arrival minus the first's, the first's arrival, its SSRC there. */
  deltas: { us: number; atUs: number; ssrc: number }[];
}

/** Pairs each packet of sink `first` with the same packet at sink `second`. */
export function matchArrivals(arrivals: readonly Arrival[], first: number, second: number): MatchResult {
  const bySocket = (socket: number): Map<string, Arrival[]> => {
    const map = new Map<string, Arrival[]>();
    for (const a of arrivals) {
      if (a.socket !== socket) continue;
      const list = map.get(a.key);
      if (list) list.push(a);
      else map.set(a.key, [a]);
    }
    return map;
  };
  const a = bySocket(first);
  const b = bySocket(second);
  const result: MatchResult = { packets: [0, 0], matched: 0, ambiguous: 0, onlyFirst: 0, onlySecond: 0, deltas: [] };
  for (const list of a.values()) result.packets[0] += list.length;
  for (const list of b.values()) result.packets[1] += list.length;
  for (const [key, listA] of a) {
    const listB = b.get(key);
    if (!listB) {
      result.onlyFirst += 1;
      continue;
    }
    if (listA.length !== 1 || listB.length !== 1) {
      result.ambiguous += 1;
      continue;
    }
    result.matched += 1;
    result.deltas.push({ us: listB[0].atUs - listA[0].atUs, atUs: listA[0].atUs, ssrc: listA[0].ssrc });
  }
  for (const key of b.keys()) if (!a.has(key)) result.onlySecond += 1;
  return result;
}

export interface LateEpisode {
  /** When it began, seconds into the window. */
  atS: number;
  packets: number;
  durationMs: number;
  maxDeltaMs: number;
}

/**
 * Runs of packets that reached the second sink more than `thresholdUs` after the first (packets of one
 * run less than 50 ms apart at the first sink): one stall of the second path shows as one episode.
 */
export function lateEpisodes(match: MatchResult, thresholdUs: number): LateEpisode[] {
  const late = match.deltas.filter((d) => d.us > thresholdUs).sort((x, y) => x.atUs - y.atUs);
  const start = Math.min(...match.deltas.map((d) => d.atUs));
  const episodes: { first: number; last: number; packets: number; max: number }[] = [];
  for (const d of late) {
    const current = episodes.at(-1);
    if (current && d.atUs - current.last < 50_000) {
      current.last = d.atUs;
      current.packets += 1;
      current.max = Math.max(current.max, d.us);
    } else episodes.push({ first: d.atUs, last: d.atUs, packets: 1, max: d.us });
  }
  return episodes.map((e) => ({
    atS: Math.round((e.first - start) / 1e4) / 100,
    packets: e.packets,
    durationMs: Math.round((e.last - e.first) / 100) / 10,
    maxDeltaMs: Math.round(e.max / 100) / 10,
  }));
}

/** Milliseconds from a summary in microseconds, three decimals. */
function usToMs(summary: Summary): Summary {
  const ms = (v: number): number => Math.round(v) / 1000;
  return { n: summary.n, p50: ms(summary.p50), p95: ms(summary.p95), p99: ms(summary.p99), max: ms(summary.max), mean: ms(summary.mean) };
}

function describeMatch(match: MatchResult, kinds: Map<number, 'audio' | 'video'>): object {
  const of = (kind: 'audio' | 'video'): number[] => match.deltas.filter((d) => kinds.get(d.ssrc) === kind).map((d) => d.us);
  return {
    deltaMs: usToMs(summarize(match.deltas.map((d) => d.us))),
    videoDeltaMs: usToMs(summarize(of('video'))),
    audioDeltaMs: usToMs(summarize(of('audio'))),
    packets: match.packets,
    matched: match.matched,
    ambiguousPayloads: match.ambiguous,
    onlyAtFirst: match.onlyFirst,
    onlyAtSecond: match.onlySecond,
  };
}

/**
 * The pipe hop of a stage originating on `origin` and served by `edge`: two egress viewers on the
 * origin (one is the control) and one on the edge send plain RTP to the kernel-stamped sinks for
 * `seconds`. The viewers stay open (they keep the edge's copy of the stage); `cleanup` closes the sink.
 */
export async function measurePipeHop(
  origin: ClusterNode,
  edge: ClusterNode,
  stageKey: string,
  seconds: number,
  processes: Record<string, number | undefined>,
  cleanup: (() => void)[],
  log: (message: string) => void,
): Promise<object> {
  let sink: RtpArrivals;
  try {
    sink = await RtpArrivals.open(3);
  } catch (error) {
    return { skipped: `the kernel-stamped sink did not build or start (it needs gcc): ${String(error).split('\n')[0]}` };
  }
  cleanup.push(() => sink.close());
  const [portA, portA2, portB] = sink.ports as [number, number, number];
  const streams: EgressStream[] = [
    ...(await origin.rpc.call('egressOpen', { stageKey, id: 'egress-a', port: portA })),
    ...(await origin.rpc.call('egressOpen', { stageKey, id: 'egress-a2', port: portA2 })),
    ...(await edge.rpc.call('egressOpen', { stageKey, id: 'egress-b', port: portB })),
  ];
  const kinds = new Map(streams.map((s) => [s.ssrc, s.kind] as const));
  // Let the consumers settle (key frame requests, the edge's piped producers) before the window.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const cpu = accountCpu(processes);
  sink.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const arrivals = await sink.stop();
  const cpuReport = cpu.stop();
  sink.close();
  const hop = matchArrivals(arrivals, 0, 2);
  const control = matchArrivals(arrivals, 0, 1);
  log(
    `pipe hop: ${hop.matched} packets matched, B − A p50 ${usToMs(summarize(hop.deltas.map((d) => d.us))).p50} ms; control A′ − A p50 ${usToMs(summarize(control.deltas.map((d) => d.us))).p50} ms`,
  );
  return {
    method:
      "plain RTP (no SRTP) egress consumers on each node's distribution router, sending to UDP sinks on loopback; arrival = the kernel's receive timestamp (SO_TIMESTAMPNS); packets paired by a hash of their payload past its first 6 bytes (consumers rewrite SSRC, sequence number and VP8 picture id)",
    windowSeconds: seconds,
    packetsPerSecondPerViewer: Math.round(hop.packets[0] / seconds),
    edgeMinusOrigin: describeMatch(hop, kinds),
    /** Runs of packets the edge received more than 5 ms after the origin: stalls of the edge's path. */
    edgeLateEpisodes: lateEpisodes(hop, 5000).slice(0, 10),
    sameNodeControl: describeMatch(control, kinds),
    cpu: cpuReport,
  };
}
