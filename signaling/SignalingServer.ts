import type http from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { MediaNode } from '../media/MediaNode';
import type { StageMedia } from '../media/StageMedia';
import type { Admission } from '../server/Admission';
import type { Principal, TokenSigner } from '../server/auth/tokens';
import type { Conference } from '../server/conference/Conference';
import { AppError, type ErrorCode } from '../server/errors';
import { validateDto } from '../server/validation';
import { toAckError } from './ackErrors';
import type { Ack, AckResponse, ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from './contract';
import { fanOutConferenceEvents } from './fanout';
import { originAllowed } from './origins';
import { registerLiveHandlers } from './liveHandlers';
import { registerMediaHandlers } from './mediaHandlers';
import { HealthFanout, type OpsFeed, registerOpsHandlers } from './opsHandlers';
import { PeerSessions, type PeerSession } from './PeerSessions';
import { eventRoom, participantRoom, stageRoom } from './rooms';

export interface SignalingOptions {
  /** A peer whose connection dropped keeps its media this long, waiting for `resume`. */
  reconnectGraceMs: number;
  /** Largest message a client may send (bytes); larger ones drop the connection. */
  maxPayloadBytes: number;
  /** Origins allowed to connect from a browser; empty = same origin only. */
  allowedOrigins: string[];
  /** The other nodes of a cluster: their pages may connect here too (the join answer sends viewers across). */
  peerOrigins?: () => string[];
  /** Carries room broadcasts to the other nodes' sockets (the Redis adapter); absent on a single node. */
  adapter?: ServerOptions['adapter'];
  /** A connection refused more than this many times within `refusalWindowMs` is closed. */
  refusalLimit: number;
  refusalWindowMs: number;
}

/** Refusals that are the client's doing; `unavailable` and `internal` are the server's and never count. */
const CLIENT_FAULTS: ReadonlySet<ErrorCode> = new Set(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'payload_too_large']);

export interface SocketData {
  principal: Principal;
  session: PeerSession | null;
  /** When this connection's recent requests were refused (within the refusal window). */
  refusals: number[];
}

export type StageSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type StageServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What every handler gets besides its validated payload. */
export interface HandlerContext {
  socket: StageSocket;
  principal: Principal;
}

export type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

/**
 * Socket.IO signaling: authenticates the handshake with the access token, validates every request
 * with its DTO, and answers each with an ack. Owns the peer sessions (and so the viewers' media).
 */
export class SignalingServer {
  readonly io: StageServer;
  readonly sessions: PeerSessions;
  /** The DTO each request event is validated with, as the handlers registered them (tests, docs). */
  readonly requestDtos = new Map<keyof ClientToServerEvents, new () => object>();
  readonly #logger: Logger;
  readonly #forwardedStages = new WeakSet<StageMedia>();
  readonly #health: HealthFanout;

  constructor(
    httpServer: http.Server,
    private readonly deps: {
      signer: TokenSigner;
      media: MediaNode;
      conference: Conference;
      ops: OpsFeed;
      admission: Admission;
      logger: Logger;
      /** In a cluster: a stage without an origin gets this node as origin before anyone publishes here. */
      publishing?: { preparePublish(stageKey: string): Promise<void> };
    },
    readonly options: SignalingOptions,
  ) {
    this.#logger = deps.logger.child({ module: 'signaling' });
    this.io = new Server(httpServer, {
      maxHttpBufferSize: options.maxPayloadBytes,
      serveClient: false,
      cors: options.allowedOrigins.length > 0 ? { origin: options.allowedOrigins } : undefined,
      ...(options.adapter ? { adapter: options.adapter } : {}),
      allowRequest: (req, callback) => {
        const allowed = originAllowed(req, [...options.allowedOrigins, ...(options.peerOrigins?.() ?? [])]);
        if (!allowed) this.#logger.debug({ origin: req.headers.origin }, 'connection refused: origin not allowed');
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    });
    this.sessions = new PeerSessions(options.reconnectGraceMs, this.#logger);
    this.io.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const body = toAckError(error, this.#logger, 'handshake');
          next(Object.assign(new Error(body.message), { data: { code: body.code } }));
        },
      );
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
    fanOutConferenceEvents(deps.conference.bus, this.io);
    this.#health = new HealthFanout(this.io, deps.ops);
  }

  /** Signaling connections to this node right now. */
  get connectedSockets(): number {
    return this.io.of('/').sockets.size;
  }

  /**
   * Registers a request handler: the payload is validated into `dto` before the handler runs, and
   * whatever happens the client gets exactly one ack. Nothing a client sends can throw out of here.
   */
  handle<E extends keyof ClientToServerEvents, D extends object>(
    socket: StageSocket,
    event: E,
    dtoClass: new () => D,
    handler: (dto: D, context: HandlerContext) => Promise<AckData<E>>,
  ): void {
    this.requestDtos.set(event, dtoClass);
    const listener = (...args: unknown[]): void => {
      const ack = args[args.length - 1];
      const reply = typeof ack === 'function' ? (ack as (response: AckResponse<AckData<E>>) => void) : undefined;
      const run = async (): Promise<AckData<E>> => {
        if (args.length !== 2 || !reply) throw new AppError('bad_request', `${event} takes one payload and an ack`);
        const dto = await validateDto(dtoClass, args[0]);
        return handler(dto, { socket, principal: socket.data.principal });
      };
      run().then(
        (data) => reply?.({ ok: true, data }),
        (error: unknown) => {
          const body = toAckError(error, this.#logger, event);
          reply?.({ ok: false, error: body });
          if (CLIENT_FAULTS.has(body.code)) this.#refused(socket, event);
        },
      );
    };
    // The typed `on` cannot take a listener generic over E; registering through the untyped view
    // is sound because the listener accepts any arguments and validates them itself.
    (socket as unknown as { on(name: string, fn: (...args: unknown[]) => void): void }).on(event, listener);
  }

  /**
   * Makes a stage's source changes reach the sockets in its room on this node (once per stage
   * instance). Local only: in a cluster every node announces the sources of its own copy of the stage.
   */
  forwardStageEvents(stage: StageMedia): void {
    if (this.#forwardedStages.has(stage)) return;
    this.#forwardedStages.add(stage);
    const room = this.io.local.to(stageRoom(stage.key));
    stage.on('sourceupdated', (source) => room.emit('sourceUpdated', source));
    stage.on('sourceclosed', (sourceId) => room.emit('sourceClosed', { sourceId }));
  }

  get media(): MediaNode {
    return this.deps.media;
  }

  get conference(): Conference {
    return this.deps.conference;
  }

  get admission(): Admission {
    return this.deps.admission;
  }

  async preparePublish(stageKey: string): Promise<void> {
    await this.deps.publishing?.preparePublish(stageKey);
  }

  /**
   * Tells every connection of this node (not of the others sharing the adapter) that it is going
   * away. Reconnects are spread over `spreadMs` so the audience does not return all at once.
   */
  announceDrain(notice: { reconnectInMs: number; alternateUrl: string | null }, spreadMs: number): void {
    const sockets = [...this.io.of('/').sockets.values()];
    this.#logger.info({ sockets: sockets.length, ...notice }, 'draining: telling connections to reconnect');
    for (const socket of sockets) {
      socket.emit('draining', { reconnectInMs: notice.reconnectInMs + Math.floor(Math.random() * spreadMs), alternateUrl: notice.alternateUrl });
    }
  }

  async close(): Promise<void> {
    this.#health.close();
    this.sessions.closeAll();
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve());
    });
  }

  /** A valid token of an event that exists: a deleted event's tokens open nothing. */
  async #authenticate(socket: StageSocket): Promise<void> {
    const auth = socket.handshake.auth as Partial<HandshakeAuth> | undefined;
    if (typeof auth?.token !== 'string') throw new AppError('unauthorized', 'missing access token');
    const principal = this.deps.signer.verify(auth.token);
    if (!(await this.deps.conference.events.event(principal.eventId))) throw new AppError('unauthorized', 'the token is for an event that does not exist');
    socket.data.principal = principal;
    socket.data.session = null;
    socket.data.refusals = [];
  }

  /**
   * Counts a refused request. A client that keeps sending requests the server refuses (a broken or
   * hostile loop) is disconnected past the limit, and what it opened is closed, not kept for a resume.
   */
  #refused(socket: StageSocket, event: string): void {
    const now = Date.now();
    const recent = socket.data.refusals.filter((t) => now - t < this.options.refusalWindowMs);
    recent.push(now);
    socket.data.refusals = recent;
    if (recent.length <= this.options.refusalLimit || !socket.connected) return;
    this.#logger.warn({ participant: socket.data.principal.id, refusals: recent.length, event }, 'too many refused requests; disconnecting');
    const session = socket.data.session;
    if (session) this.sessions.close(session);
    socket.disconnect(true);
  }

  #onConnection(socket: StageSocket): void {
    const { principal } = socket.data;
    const logger = this.#logger.child({ participant: principal.id, event: principal.eventId });
    logger.debug({ role: principal.role }, 'connection');
    void socket.join([eventRoom(principal.eventId), participantRoom(principal.id)]);
    registerMediaHandlers(this, socket);
    registerLiveHandlers(this, socket, this.deps.conference);
    registerOpsHandlers(this, socket, this.#health);
    socket.on('disconnect', (reason) => {
      logger.debug({ reason }, 'disconnect');
      const session = socket.data.session;
      if (session) this.sessions.park(session, socket);
    });
  }
}
