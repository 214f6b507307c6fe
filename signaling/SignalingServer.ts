import type http from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import type { MediaNode } from '../media/MediaNode';
import type { StageMedia } from '../media/StageMedia';
import type { Admission } from '../server/Admission';
import type { Principal } from '../server/auth/tokens';
import type { MeetingRoomPass } from '../server/desk/MeetingRooms';
import { meetingRoomStageId, stageKey } from '../server/stageKey';
import type { MeetingRecord } from '../server/store/deskRecords';
import type { Authenticate } from '../server/auth/bearer';
import type { ProxyTrust } from '../server/proxyTrust';
import type { Conference } from '../server/conference/Conference';
import { AppError, toErrorAnswer } from '../server/errors';
import type { ClientToServerEvents, HandshakeAuth } from './contract';
import { fanOutConferenceEvents } from './fanout';
import { registerLiveHandlers } from './liveHandlers';
import { registerInterpretationHandlers } from './interpretationHandlers';
import { splitStageKey } from '../server/stageKey';
import { HlsAudience } from './HlsAudience';
import { registerHlsHandlers } from './hlsHandlers';
import { type MediaHandlerPorts, registerMediaHandlers } from './mediaHandlers';
import { JoinBacklog } from './JoinBacklog';
import { MeetingRoomClosing } from './MeetingRoomClosing';
import { type SeatRefusal, type WebRtcSeatOptions, WebRtcSeats } from './WebRtcSeats';
import { HealthFanout, type OpsFeed, registerOpsHandlers } from './opsHandlers';
import { clientAddressOf } from './clientAddress';
import type { MediaQuotaLimits } from './MediaQuota';
import { originAllowed } from './origins';
import { RequestRouter } from './RequestRouter';
import { eventRoom, participantRoom, stageRoom } from './rooms';
import type { ParticipantSocket, SignalingIo } from './socketTypes';
import { SocketsPerAddress } from './SocketsPerAddress';
import { StagePeers } from './StagePeers';

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
  /** Caps per participant and per client address on peers, transports and parked peers. */
  mediaQuota: MediaQuotaLimits;
  /** Which proxies may name the client in X-Forwarded-For (the same rule as the REST API's); default none. */
  trustProxy?: ProxyTrust;
  /** Concurrent connections one client address may hold; beyond, the handshake is refused (`rate_limited`). */
  maxSocketsPerIp: number;
  /** An engine.io connection that has not completed the Socket.IO handshake within this long is closed. */
  connectTimeoutMs: number;
  /** WebRTC viewers this node seats; past them (or while its workers are busy) viewers are sent to HLS. */
  webrtcSeats: WebRtcSeatOptions;
}

export interface SignalingDeps {
  /** Tokens and API keys, revocations included (server/auth/bearer.ts). */
  authenticate: Authenticate;
  media: MediaNode;
  conference: Conference;
  ops: OpsFeed;
  admission: Admission;
  logger: Logger;
  /** In a cluster: a stage without an origin gets this node as origin before anyone publishes here. */
  publishing?: { preparePublish(stageKey: string): Promise<void> };
  /** The master playlist's URL of a stage for a caller (with a playback token for a private event). */
  playlistUrl(eventId: string, stageId: string, caller: { expiresAtMs: number }): Promise<string>;
  /** Who enters the desk's online meeting rooms. */
  meetingRooms: { admit(principal: Principal, meetingId: string): Promise<MeetingRoomPass> };
}

/**
 * Socket.IO signaling: authenticates the handshake with the access token, validates every request
 * with its DTO, and answers each with an ack. Owns the stage peers (and so the viewers' media).
 */
export class SignalingServer {
  readonly io: SignalingIo;
  readonly peers: StagePeers;
  /** Connections watching a stage over HLS. */
  readonly hlsAudience = new HlsAudience();
  readonly #seats: WebRtcSeats;
  /** A viewer not receiving this long after its join no longer counts as arriving. */
  readonly #joinBacklog = new JoinBacklog(15_000);
  readonly #requests: RequestRouter;
  readonly #mediaPorts: MediaHandlerPorts;
  readonly #logger: Logger;
  readonly #forwardedStages = new WeakSet<StageMedia>();
  readonly #health: HealthFanout;
  readonly #trust: ProxyTrust;
  readonly #sockets: SocketsPerAddress;
  readonly #roomClosing: MeetingRoomClosing;

  constructor(
    httpServer: http.Server,
    private readonly deps: SignalingDeps,
    readonly options: SignalingOptions,
  ) {
    this.#logger = deps.logger.child({ module: 'signaling' });
    this.#roomClosing = new MeetingRoomClosing((key) => deps.media.closeStage(key));
    this.#trust = options.trustProxy ?? (() => false);
    this.#sockets = new SocketsPerAddress(options.maxSocketsPerIp);
    this.io = new Server(httpServer, {
      maxHttpBufferSize: options.maxPayloadBytes,
      // Socket.IO's default holds a connection that never authenticates for 45 s.
      connectTimeout: options.connectTimeoutMs,
      serveClient: false,
      cors: options.allowedOrigins.length > 0 ? { origin: options.allowedOrigins } : undefined,
      ...(options.adapter ? { adapter: options.adapter } : {}),
      allowRequest: (req, callback) => {
        const allowed = originAllowed(req, [...options.allowedOrigins, ...(options.peerOrigins?.() ?? [])]);
        if (!allowed) this.#logger.debug({ origin: req.headers.origin }, 'connection refused: origin not allowed');
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    });
    this.peers = new StagePeers(options.reconnectGraceMs, options.mediaQuota, this.#logger);
    this.#seats = new WebRtcSeats(options.webrtcSeats, {
      viewers: () => [...deps.media.stages.values()].reduce((sum, stage) => sum + stage.viewerCount, 0),
      meanWorkerCpuPercent: () => {
        const cpus = (deps.ops.health.latest()?.workers ?? []).flatMap((w) => (w.cpuPercent === null ? [] : [w.cpuPercent]));
        return cpus.length === 0 ? null : cpus.reduce((a, b) => a + b, 0) / cpus.length;
      },
      joining: () => this.#joinBacklog.size,
    });
    this.#requests = new RequestRouter(this.#logger, {
      limit: options.refusalLimit,
      windowMs: options.refusalWindowMs,
      // What an abusive connection opened is closed, not kept for a resume.
      onAbuse: (socket) => {
        const peer = socket.data.peer;
        if (peer) this.peers.close(peer);
        socket.disconnect(true);
      },
    });
    this.#mediaPorts = this.#mediaHandlerPorts();
    this.io.use((socket, next) => {
      let release: (() => void) | null = null;
      const refuse = (error: unknown): void => {
        release?.();
        const { body, unexpected } = toErrorAnswer(error);
        if (unexpected) this.#logger.error({ err: error }, 'handshake failed');
        next(Object.assign(new Error(body.message), { data: { code: body.code } }));
      };
      try {
        release = this.#admit(socket);
      } catch (error) {
        refuse(error);
        return;
      }
      this.#authenticate(socket).then(() => next(), refuse);
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
    fanOutConferenceEvents(deps.conference.bus, this.io);
    deps.conference.bus.on('meetingchanged', this.#onMeetingChanged);
    this.#health = new HealthFanout(this.io, deps.ops);
  }

  /** A cancelled meeting's room closes at once (on this node; elsewhere at the end of its slot). */
  readonly #onMeetingChanged = (meeting: MeetingRecord): void => {
    if (meeting.status === 'cancelled') this.#roomClosing.closeNow(stageKey(meeting.eventId, meetingRoomStageId(meeting.id)));
  };

  /** Signaling connections to this node right now. */
  get connectedSockets(): number {
    return this.io.of('/').sockets.size;
  }

  /** The DTO each request event is validated with, as the handlers registered them (tests, docs). */
  get requestDtos(): ReadonlyMap<keyof ClientToServerEvents, new () => object> {
    return this.#requests.requestDtos;
  }

  /**
   * Makes a stage's source changes reach the sockets in its room on this node (once per stage
   * instance). Local only: in a cluster every node announces the sources of its own copy of the stage.
   */
  #forwardStageEvents(stage: StageMedia): void {
    if (this.#forwardedStages.has(stage)) return;
    this.#forwardedStages.add(stage);
    const room = this.io.local.to(stageRoom(stage.key));
    stage.on('sourceupdated', (source) => room.emit('sourceUpdated', source));
    stage.on('sourceclosed', (sourceId) => room.emit('sourceClosed', { sourceId }));
    const { stageId } = splitStageKey(stage.key);
    stage.booths.on('boothchanged', (booth) => room.emit('boothUpdated', { ...booth, stageId }));
  }

  /**
   * Tells every connection of this node (not of the others sharing the adapter) that it is going
   * away. Reconnects are spread over `spreadMs` so the audience does not return all at once.
   */
  announceDrain(notice: { reconnectInMs: number; alternateUrl: string | null }, spreadMs: number): void {
    const sockets = [...this.io.of('/').sockets.values()];
    this.#logger.info({ sockets: sockets.length, ...notice }, 'draining: telling connections to reconnect');
    for (const socket of sockets) {
      socket.emit('draining', {
        reconnectInMs: notice.reconnectInMs + Math.floor(Math.random() * spreadMs),
        alternateUrl: notice.alternateUrl,
      });
    }
  }

  /**
   * Closes this node's connections opened with a revoked token, and what they joined (not parked: the
   * token cannot resume it). The client sees the disconnect reason `io server disconnect`.
   */
  /** Why a new WebRTC viewer would not get a seat on this node now (null: it would): players outside the signaling (WHEP) follow the same rule. */
  seatRefusal(): SeatRefusal | null {
    return this.#seats.refusal();
  }

  disconnectToken(tokenId: string): void {
    for (const peer of this.peers.all()) if (peer.principal.tokenId === tokenId) this.peers.close(peer);
    for (const socket of this.io.of('/').sockets.values()) {
      if (socket.data.principal.tokenId !== tokenId) continue;
      this.#logger.info({ participant: socket.data.principal.id }, 'token revoked; closing its connection');
      const peer = socket.data.peer;
      if (peer) this.peers.close(peer);
      socket.disconnect(true);
    }
  }

  async close(): Promise<void> {
    this.#health.close();
    this.deps.conference.bus.off('meetingchanged', this.#onMeetingChanged);
    this.#roomClosing.close();
    this.peers.closeAll();
    await new Promise<void>((resolve) => {
      // The callback, not the promise, says when the HTTP server under it has closed.
      void this.io.close(() => resolve());
    });
  }

  /**
   * Counts the connection against its client address (refused with `rate_limited` at the cap). The
   * slot is freed when the connection closes, whether or not its handshake completed (a connection
   * that closes while its token is checked never gets a `disconnect`).
   */
  #admit(socket: ParticipantSocket): () => void {
    const clientIp = clientAddressOf(socket, this.#trust);
    const release = this.#sockets.acquire(clientIp);
    if (!release) {
      this.#logger.debug({ clientIp }, 'connection refused: too many from this address');
      throw new AppError('rate_limited', 'too many connections from this address; close one and retry');
    }
    socket.data.clientIp = clientIp;
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    return release;
  }

  /** A valid token of an event that exists: a deleted event's tokens open nothing. */
  async #authenticate(socket: ParticipantSocket): Promise<void> {
    const auth = socket.handshake.auth as Partial<HandshakeAuth> | undefined;
    if (typeof auth?.token !== 'string') throw new AppError('unauthorized', 'missing access token');
    const principal = await this.deps.authenticate(auth.token);
    if (!(await this.deps.conference.events.event(principal.eventId)))
      throw new AppError('unauthorized', 'the token is for an event that does not exist');
    socket.data.principal = principal;
    socket.data.peer = null;
    socket.data.refusals = [];
  }

  #mediaHandlerPorts(): MediaHandlerPorts {
    const { media, conference, admission, publishing } = this.deps;
    return {
      peers: this.peers,
      assertAdmitting: () => admission.assertOpen(),
      currentProgram: (eventId, stageId) => conference.program.currentProgram(eventId, stageId),
      seatRefusal: () => this.#seats.refusal(),
      joinBacklog: this.#joinBacklog,
      audience: this.hlsAudience,
      mayPublish: (participantId, eventId, stageId) => conference.hands.mayPublish(participantId, eventId, stageId),
      openStage: async (key) => {
        const stage = await media.stage(key);
        this.#forwardStageEvents(stage);
        return stage;
      },
      createMediaPeer: (key, peer) => media.createPeer(key, peer),
      preparePublish: async (key) => {
        await publishing?.preparePublish(key);
      },
      admitToMeeting: (principal, meetingId) => this.deps.meetingRooms.admit(principal, meetingId),
      closeRoomAt: (key, closesAtMs) => this.#roomClosing.arm(key, closesAtMs),
      stage: (eventId, stageId) => conference.agenda.getStage(eventId, stageId),
    };
  }

  #onConnection(socket: ParticipantSocket): void {
    const { principal } = socket.data;
    // Fields, not a child logger: a child per connection cost a flash crowd's joins for two debug lines.
    const who = { participant: principal.id, event: principal.eventId };
    this.#logger.debug({ ...who, role: principal.role }, 'connection');
    void socket.join([eventRoom(principal.eventId), participantRoom(principal.id)]);
    const { handle } = this.#requests;
    registerMediaHandlers(handle, socket, this.#mediaPorts);
    registerHlsHandlers(handle, socket, {
      peers: this.peers,
      audience: this.hlsAudience,
      assertAdmitting: () => this.deps.admission.assertOpen(),
      currentProgram: (eventId, stageId) => this.deps.conference.program.currentProgram(eventId, stageId),
      sources: (key) => this.deps.media.existingStage(key)?.sources ?? [],
      playlistUrl: (eventId, stageId, caller) => this.deps.playlistUrl(eventId, stageId, caller),
    });
    registerInterpretationHandlers(handle, socket, {
      audience: this.hlsAudience,
      stage: (eventId, stageId) => this.deps.conference.agenda.getStage(eventId, stageId),
      media: (key) => this.deps.media.existingStage(key),
    });
    registerLiveHandlers(handle, socket, this.deps.conference);
    registerOpsHandlers(handle, socket, this.#health);
    socket.on('disconnect', (reason) => {
      this.#logger.debug({ ...who, reason }, 'disconnect');
      const peer = socket.data.peer;
      if (peer) this.peers.park(peer, socket);
    });
  }
}
