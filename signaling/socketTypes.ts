import type { Server, Socket } from 'socket.io';
import type { MediaPeer } from '../media/MediaPeer';
import type { Principal } from '../server/auth/tokens';
import type { MeetingRoomPass } from '../server/desk/MeetingRooms';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from './contract';

/**
 * A participant joined to a stage on this node, with its media. It outlives a dropped connection for
 * the reconnect grace period (parked, `socket` null) and is taken over by the next connection that
 * `resume`s it with its `peerId`.
 */
export interface StagePeer {
  /** Random, given to the client at join: the handle to resume with, never guessable from the participant. */
  readonly peerId: string;
  readonly principal: Principal;
  readonly stageId: string;
  /** The stage's key (server/stageKey.ts): the media layer's name of the stage. */
  readonly stageKey: string;
  readonly media: MediaPeer;
  /** The connection it talks through now; null while parked after a drop. */
  socket: ParticipantSocket | null;
  /** The client address of the connection that opened or last resumed it: the per-IP caps count it there. */
  clientIp: string;
  graceTimer: NodeJS.Timeout | null;
  /** In an online meeting's room: the pass its participant was let in with (it publishes on that). */
  readonly meetingRoom: MeetingRoomPass | null;
}

/** What the server keeps on each connection. */
export interface SocketData {
  principal: Principal;
  /** Where the connection comes from (signaling/clientAddress.ts): the per-IP caps count against it. */
  clientIp: string;
  /** The stage this connection has joined on this node; null before `join` and after `leave`. */
  peer: StagePeer | null;
  /** When this connection's recent requests were refused (within the refusal window). */
  refusals: number[];
}

/** A participant's Socket.IO connection, as the server sees it. */
export type ParticipantSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What every handler gets besides its validated payload. */
export interface HandlerContext {
  socket: ParticipantSocket;
  principal: Principal;
}

/** The data a request's ack carries on success. */
export type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

/** Registers one request handler on a connection (see `RequestRouter.handle`). */
export type HandleRequest = <E extends keyof ClientToServerEvents, D extends object>(
  socket: ParticipantSocket,
  event: E,
  dtoClass: new () => D,
  handler: (dto: D, context: HandlerContext) => Promise<AckData<E>>,
) => void;
