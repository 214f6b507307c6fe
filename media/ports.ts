import type { types } from 'mediasoup';

/** What the worker's PortManager says when no port of the range can be bound. */
const NO_PORT_REASON = 'no more available ports';
/**
 * The worker appends the request's method to the reason of an error a router request throws:
 * `"no more available ports [transport:udp, …] [method:router.createWebRtcTransport]"`. Unpatched,
 * mediasoup 3.8.4 loses the reason itself (Worker.cpp formats `"%s [method:%s]"` from
 * `MediaSoupError::buffer` into that same buffer, so only `" [method:…]"` arrives); our worker build
 * back-ports the fix (upstream #750, scripts/worker-fixes.mjs), and `MEDIASOUP_WORKER_BIN` may still
 * name a worker without it.
 */
const TRANSPORT_CREATION = /\[method:router\.create(WebRtc|Plain|Pipe)Transport\]$/;

/**
 * Whether a transport creation failed because the worker could not bind a port (mediasoup 3.8.4
 * throws a plain Error, worker/src/RTC/PortManager.cpp). Any plain Error of a transport creation
 * counts: its options are ours, validated at boot, so what the worker refuses there is a resource of
 * the node running out (ports, or sockets: "too many open files"), never the client's fault. The
 * answer is `unavailable`, not `internal`.
 */
export function isPortExhaustion(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof TypeError) return false;
  return error.message.includes(NO_PORT_REASON) || TRANSPORT_CREATION.test(error.message);
}

/** Ports held, per protocol: UDP and TCP ports of one range are two separate pools. */
export interface PortCount {
  udp: number;
  tcp: number;
}

/**
 * Ports a transport holds in its worker's range: a WebRTC transport one per ICE candidate (a UDP
 * and a TCP one here), a plain transport one UDP port, or two without RTCP multiplexing, a pipe one.
 */
function portsOf(transport: types.Transport): PortCount {
  if ('iceCandidates' in transport) {
    const candidates = (transport as types.WebRtcTransport).iceCandidates;
    return { udp: candidates.filter((c) => c.protocol === 'udp').length, tcp: candidates.filter((c) => c.protocol === 'tcp').length };
  }
  if ('rtcpTuple' in transport) return { udp: (transport as types.PlainTransport).rtcpTuple ? 2 : 1, tcp: 0 };
  return { udp: 1, tcp: 0 };
}

export interface WorkerPortUsage {
  /** Ports of the range held by this worker's transports (as counted here, from their creation). */
  inUse: PortCount;
  /** The worker's slice of RTC_MIN_PORT–RTC_MAX_PORT (as many UDP as TCP ports). */
  total: number;
  /** A transport could not bind, and no port has been freed or taken since: the slice is full. */
  exhausted: boolean;
}

/**
 * Counts the ports one worker's transports hold, following mediasoup's observer events (every
 * router and transport of the worker, whoever created it: viewers, ingest, pipes). The count is
 * ours; ports held by other processes in the same range are not seen, which is why exhaustion is
 * also reported from the bind failures themselves.
 */
export class WorkerPorts {
  readonly #inUse: PortCount = { udp: 0, tcp: 0 };
  #exhausted = false;
  readonly #routers = new Set<string>();

  constructor(
    worker: types.Worker,
    readonly total: number,
  ) {
    worker.observer.on('newrouter', (router: types.Router) => {
      this.#routers.add(router.id);
      router.observer.once('close', () => this.#routers.delete(router.id));
      router.observer.on('newtransport', (transport: types.Transport) => this.#follow(transport));
    });
  }

  get usage(): WorkerPortUsage {
    return { inUse: { ...this.#inUse }, total: this.total, exhausted: this.#exhausted };
  }

  holds(router: types.Router): boolean {
    return this.#routers.has(router.id);
  }

  /** A transport of this worker could not bind a port. */
  bindFailed(): void {
    this.#exhausted = true;
  }

  #follow(transport: types.Transport): void {
    const ports = portsOf(transport);
    this.#inUse.udp += ports.udp;
    this.#inUse.tcp += ports.tcp;
    // A transport that binds shows ports are free again; one that closes frees its own.
    this.#exhausted = false;
    transport.observer.once('close', () => {
      this.#inUse.udp -= ports.udp;
      this.#inUse.tcp -= ports.tcp;
      this.#exhausted = false;
    });
  }
}
