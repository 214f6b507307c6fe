import { Device, type types } from 'mediasoup-client';
import type {
  HlsFallbackDetails,
  HlsWatchResult,
  JoinResult,
  ResumeResult,
  ServerToClientEvents,
  TransportOptions,
} from '../../../signaling/contract';
import type { Placement } from './placement';
import type { StageRoute } from './route';
import type { RenewableToken } from './token';
import { FATAL_CODES } from './errorCodes';
import {
  connectSignaling,
  request,
  RequestError,
  type RequestEvent,
  type RequestPayload,
  type RequestResult,
  type StageSocket,
} from './signaling';

/** What a page does at each turn of the connection's life. */
export interface SessionHooks {
  /**
   * The server holds a new peer for this page (first join, or a rejoin after the server forgot the
   * old one): build the media from scratch. Transports of an earlier peer are already closed.
   */
  joined(join: JoinResult, device: types.Device): Promise<void>;
  /** The same peer is back on a new connection; `result` says what survived while away. */
  resumed(result: ResumeResult): Promise<void>;
  /** The connection dropped; socket.io-client is reconnecting by itself. */
  disconnected(reason: string): void;
  /** Nothing more will happen without the user (refused token, missing stage, page closed). */
  failed(error: Error): void;
  /**
   * The page watches over HLS now (no media peer): because it asked to, or because the node had no
   * WebRTC seat for it (`refusal` says why). Pages that never watch (speak) leave it out.
   */
  watchingHls?(result: HlsWatchResult, refusal: HlsFallbackDetails['reason'] | null): Promise<void>;
}

export type WatchMode = 'webrtc' | 'hls';

/** The node's answer to a join past its WebRTC seats: watch over HLS instead, and why. */
function hlsFallbackOf(error: unknown): HlsFallbackDetails | null {
  if (!(error instanceof RequestError) || error.code !== 'unavailable') return null;
  const details = error.details;
  if (typeof details !== 'object' || details === null || !('fallback' in details) || details.fallback !== 'hls') return null;
  const reason = 'reason' in details && (details.reason === 'cpu' || details.reason === 'crowd') ? details.reason : 'budget';
  return { fallback: 'hls', reason };
}

const RETRY_DELAY_MS = 2_000;
/** A connection that has not come back within this long is moved to the node placement names. */
const MOVE_AFTER_MS = 3_000;
/** Viewers told to move (the node drains) go within this long, spread so they do not arrive at once. */
const DRAIN_MOVE_SPREAD_MS = 2_000;

type ServerEvent = keyof ServerToClientEvents;
type UntypedSocket = { on(event: string, listener: (...args: never[]) => void): void };

function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof RequestError) return error.code;
  // A refused handshake: the server's middleware puts its error code in `data`.
  if (error instanceof Error && 'data' in error) {
    const { data } = error;
    if (typeof data === 'object' && data !== null && 'code' in data && typeof data.code === 'string') return data.code;
  }
  return undefined;
}

export function isFatal(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && FATAL_CODES.has(code);
}

/**
 * One participant's presence on one stage: the signaling connection, the server's peer (join, and
 * `resume` after every reconnect, or a fresh join when the server has forgotten us), the mediasoup
 * Device and the transports. Pages add what they consume or produce through the hooks.
 *
 * All media work runs through `run()`, one task at a time, so a source event never interleaves with
 * a rejoin that replaces the transports under it.
 */
export class StageConnection {
  #socket: StageSocket;
  #url: string;
  /** Listeners of server events, set again on the new connection when the connection moves to another node. */
  readonly #listeners: [ServerEvent, (...args: never[]) => void][] = [];
  readonly #moveListeners: ((socket: StageSocket) => void)[] = [];
  #moveTimer: number | null = null;
  readonly #placement: Placement | null;
  #peerId: string | null = null;
  #device: types.Device | null = null;
  #transports: types.Transport[] = [];
  #queue: Promise<void> = Promise.resolve();
  /** The page receives media: each join asks for the receive transport with it (one round trip less). */
  readonly #receives: boolean;
  /** The receive transport the last join brought, until `createTransport('recv')` takes it. */
  #joinedRecv: TransportOptions | null = null;
  #closed = false;
  #mode: WatchMode;
  /** A renewed token was refused too: the next refusal ends the connection. */
  #renewedSinceConnect = false;

  /**
   * `url`: the node to connect to (the page's own address on a single node). With `placement`, a
   * connection that stays down, or a node that drains, moves the connection to the node placement names.
   */
  constructor(
    readonly route: StageRoute,
    private readonly token: RenewableToken,
    private readonly hooks: SessionHooks,
    options: { url?: string; placement?: Placement; mode?: WatchMode; receives?: boolean } = {},
  ) {
    this.#mode = options.mode ?? 'webrtc';
    this.#receives = options.receives ?? false;
    this.#url = options.url ?? window.location.origin;
    this.#placement = options.placement ?? null;
    this.#socket = this.#connect(this.#url);
  }

  /** The signaling connection now; a new one after the connection moved to another node. */
  get socket(): StageSocket {
    return this.#socket;
  }

  /** The node this connection is connected to (or reconnecting to). */
  get url(): string {
    return this.#url;
  }

  /** Listens to a server event on this connection and on every later one. */
  on<E extends ServerEvent>(event: E, listener: ServerToClientEvents[E]): void {
    const untyped = listener as unknown as (...args: never[]) => void;
    this.#listeners.push([event, untyped]);
    (this.#socket as unknown as UntypedSocket).on(event, untyped);
  }

  /** Called with the new connection whenever the connection moves to another node. */
  onMoved(listener: (socket: StageSocket) => void): void {
    this.#moveListeners.push(listener);
  }

  /** How the page receives the stage now: WebRTC (a media peer) or HLS. */
  get mode(): WatchMode {
    return this.#mode;
  }

  /** Changes how the page receives the stage (a user's choice, an accepted hand): joins afresh that way. */
  setMode(mode: WatchMode): Promise<void> {
    return this.run(async () => {
      if (mode === this.#mode) return;
      this.#mode = mode;
      if (this.#socket.connected) await this.#join();
    });
  }

  /** The server's id of this connection; it changes only when the peer had to be joined anew. */
  get peerId(): string | null {
    return this.#peerId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  request<E extends RequestEvent>(event: E, payload: RequestPayload<E>): Promise<RequestResult<E>> {
    return request(this.#socket, event, payload);
  }

  /** Queues media work behind everything queued before it. A failing task is logged and does not stop the queue. */
  run(task: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await task();
      } catch (error) {
        console.warn('stagecast:', error);
      }
    });
    this.#queue = next;
    return next;
  }

  /** The device of the current peer (loaded with its router's capabilities); null before the first join. */
  get device(): types.Device | null {
    return this.#device;
  }

  /** A transport of the current peer; the connection closes it when it rejoins or closes. */
  async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const device = this.#device;
    if (!device) throw new Error('createTransport() before join');
    const brought = direction === 'recv' ? this.#joinedRecv : null;
    if (brought) this.#joinedRecv = null;
    const params = brought ?? (await this.request('createTransport', { direction }));
    // The contract types mediasoup's shapes as `object`; they come from the server's mediasoup as is.
    const options: types.TransportOptions = {
      id: params.id,
      iceParameters: params.iceParameters as types.IceParameters,
      iceCandidates: params.iceCandidates as types.IceCandidate[],
      dtlsParameters: params.dtlsParameters as types.DtlsParameters,
    };
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') void this.run(() => this.#restartIce(transport));
    });
    this.#transports.push(transport);
    return transport;
  }

  /** Leaves the stage for good (page closed). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearMoveTimer();
    // Fire and forget: the page is going away and cannot wait for the answer.
    if (this.#socket.connected) this.#socket.emit('leave', {}, () => undefined);
    this.#closeTransports();
    this.#socket.disconnect();
  }

  #connect(url: string): StageSocket {
    const socket = connectSignaling(url, this.token.current);
    // 'connect' fires on the first connection and after every automatic reconnection.
    socket.on('connect', () => {
      this.#renewedSinceConnect = false;
      this.#clearMoveTimer();
      void this.run(() => this.#establish());
    });
    socket.on('disconnect', (reason) => {
      if (this.#closed) return;
      this.hooks.disconnected(reason);
      this.#armMoveTimer();
    });
    socket.on('connect_error', (error) => {
      // socket.io-client retries network errors by itself; a handshake the server refused it does not.
      if (socket.active) this.#armMoveTimer();
      else if (errorCodeOf(error) === 'unauthorized' && !this.#renewedSinceConnect) void this.#renewToken(socket, error);
      else this.#fail(error);
    });
    // The server lost this connection's media (a worker died): build it again on a fresh join.
    socket.on('mediaLost', () => {
      this.#peerId = null;
      void this.run(() => this.#establish());
    });
    socket.on('draining', ({ alternateUrl }) => {
      if (!alternateUrl || !this.#placement) return;
      window.setTimeout(() => this.#moveTo(alternateUrl), Math.random() * DRAIN_MOVE_SPREAD_MS);
    });
    for (const [event, listener] of this.#listeners) (socket as unknown as UntypedSocket).on(event, listener);
    return socket;
  }

  /**
   * The token was refused at a reconnection (it expired while the page was connected): with a new one
   * the connection comes back (and, as another participant, joins afresh); without, the page fails.
   */
  async #renewToken(socket: StageSocket, refusal: Error): Promise<void> {
    this.#renewedSinceConnect = true;
    const renewed = await this.token.renew().catch((error: unknown) => {
      console.warn('stagecast: the token could not be renewed', error);
      return false;
    });
    if (this.#closed || socket !== this.#socket) return;
    if (!renewed) {
      this.#fail(refusal);
      return;
    }
    socket.auth = { token: this.token.current };
    socket.connect();
  }

  /** While the connection is down, asks placement every few seconds where to go, and goes there. */
  #armMoveTimer(): void {
    if (!this.#placement || this.#moveTimer !== null || this.#closed) return;
    this.#moveTimer = window.setTimeout(() => {
      this.#moveTimer = null;
      if (this.#socket.connected || this.#closed || !this.#placement) return;
      void this.#placement.next().then((url) => {
        if (this.#socket.connected || this.#closed) return;
        if (url !== this.#url) this.#moveTo(url);
        else this.#armMoveTimer();
      });
    }, MOVE_AFTER_MS);
  }

  #clearMoveTimer(): void {
    if (this.#moveTimer !== null) window.clearTimeout(this.#moveTimer);
    this.#moveTimer = null;
  }

  /** Reconnects to another node: the new connection joins afresh there (the old node's peer is not ours any more). */
  #moveTo(url: string): void {
    if (this.#closed || url === this.#url) return;
    const old = this.#socket;
    old.removeAllListeners();
    old.disconnect();
    this.#url = url;
    this.#socket = this.#connect(url);
    for (const listener of this.#moveListeners) listener(this.#socket);
  }

  async #establish(): Promise<void> {
    try {
      if (this.#peerId && (await this.#resume(this.#peerId))) return;
      await this.#join();
    } catch (error) {
      if (isFatal(error)) {
        this.#fail(error instanceof Error ? error : new Error(String(error)));
      } else if (this.#socket.connected) {
        // Transient (timeout, unavailable, internal): go round again as after a dropped connection.
        console.warn('stagecast: could not set up the stage; retrying', error);
        const socket = this.#socket;
        socket.disconnect();
        window.setTimeout(() => {
          if (!this.#closed && socket === this.#socket) socket.connect();
        }, RETRY_DELAY_MS);
        this.#armMoveTimer();
      }
      // Disconnected meanwhile: the automatic reconnection brings us back here.
    }
  }

  /** True when the server still had the peer; false when it has forgotten it (join again). */
  async #resume(peerId: string): Promise<boolean> {
    let result: ResumeResult;
    try {
      result = await this.request('resume', { peerId });
    } catch (error) {
      if (error instanceof RequestError && error.code === 'not_found') return false;
      throw error;
    }
    await this.hooks.resumed(result);
    // A long outage may have outlived ICE consent on the media path: restart what is not connected.
    for (const transport of this.#transports) {
      if (transport.connectionState === 'failed' || transport.connectionState === 'disconnected') await this.#restartIce(transport);
    }
    return true;
  }

  async #join(): Promise<void> {
    this.#closeTransports();
    this.#peerId = null;
    this.#joinedRecv = null;
    if (this.#mode === 'hls' && this.hooks.watchingHls) {
      await this.hooks.watchingHls(await this.request('watchHls', { stageId: this.route.stageId }), null);
      return;
    }
    let joined: JoinResult;
    try {
      joined = await this.request('join', { stageId: this.route.stageId, ...(this.#receives ? { recvTransport: true } : {}) });
    } catch (error) {
      const fallback = hlsFallbackOf(error);
      if (!fallback || !this.hooks.watchingHls) throw error;
      this.#mode = 'hls';
      await this.hooks.watchingHls(await this.request('watchHls', { stageId: this.route.stageId }), fallback.reason);
      return;
    }
    const device = await Device.factory();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    this.#device = device;
    this.#joinedRecv = joined.recvTransport ?? null;
    await this.hooks.joined(joined, device);
    // Only a peer whose media got built is worth resuming; a half-built one is joined anew.
    this.#peerId = joined.peerId;
  }

  async #restartIce(transport: types.Transport): Promise<void> {
    if (transport.closed || !this.#socket.connected) return;
    const { iceParameters } = await this.request('restartIce', { transportId: transport.id });
    await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
  }

  #closeTransports(): void {
    for (const transport of this.#transports) transport.close();
    this.#transports = [];
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearMoveTimer();
    this.#closeTransports();
    this.#socket.disconnect();
    this.hooks.failed(error);
  }
}
