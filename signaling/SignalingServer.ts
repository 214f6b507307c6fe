import type http from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { MediaNode } from '../media/MediaNode';
import type { StageMedia } from '../media/StageMedia';
import type { Principal, TokenSigner } from '../server/auth/tokens';
import type { Conference } from '../server/conference/Conference';
import { AppError } from '../server/errors';
import { validateDto } from '../server/validation';
import { toAckError } from './ackErrors';
import type { Ack, AckResponse, ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from './contract';
import { fanOutConferenceEvents } from './fanout';
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
}

export interface SocketData {
  principal: Principal;
  session: PeerSession | null;
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
  readonly #logger: Logger;
  readonly #forwardedStages = new WeakSet<StageMedia>();
  readonly #health: HealthFanout;

  constructor(
    httpServer: http.Server,
    private readonly deps: { signer: TokenSigner; media: MediaNode; conference: Conference; ops: OpsFeed; logger: Logger },
    readonly options: SignalingOptions,
  ) {
    this.#logger = deps.logger.child({ module: 'signaling' });
    this.io = new Server(httpServer, {
      maxHttpBufferSize: options.maxPayloadBytes,
      serveClient: false,
      cors: options.allowedOrigins.length > 0 ? { origin: options.allowedOrigins } : undefined,
    });
    this.sessions = new PeerSessions(options.reconnectGraceMs, this.#logger);
    this.io.use((socket, next) => {
      try {
        const auth = socket.handshake.auth as Partial<HandshakeAuth> | undefined;
        if (typeof auth?.token !== 'string') throw new AppError('unauthorized', 'missing access token');
        socket.data.principal = deps.signer.verify(auth.token);
        socket.data.session = null;
        next();
      } catch (error) {
        const body = toAckError(error, this.#logger, 'handshake');
        next(Object.assign(new Error(body.message), { data: { code: body.code } }));
      }
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
        (error: unknown) => reply?.({ ok: false, error: toAckError(error, this.#logger, event) }),
      );
    };
    // The typed `on` cannot take a listener generic over E; registering through the untyped view
    // is sound because the listener accepts any arguments and validates them itself.
    (socket as unknown as { on(name: string, fn: (...args: unknown[]) => void): void }).on(event, listener);
  }

  /** Makes a stage's source changes reach every socket in its room (once per stage instance). */
  forwardStageEvents(stage: StageMedia): void {
    if (this.#forwardedStages.has(stage)) return;
    this.#forwardedStages.add(stage);
    const room = this.io.to(stageRoom(stage.key));
    stage.on('sourceupdated', (source) => room.emit('sourceUpdated', source));
    stage.on('sourceclosed', (sourceId) => room.emit('sourceClosed', { sourceId }));
  }

  get media(): MediaNode {
    return this.deps.media;
  }

  get conference(): Conference {
    return this.deps.conference;
  }

  async close(): Promise<void> {
    this.#health.close();
    this.sessions.closeAll();
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve());
    });
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
