import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ErrorCode, ServerToClientEvents } from '../../../signaling/contract';

export type StageSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RequestEvent = keyof ClientToServerEvents;
export type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
export type RequestResult<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

/** The server's error codes, plus the two failures that happen on this side of the wire. */
export type RequestErrorCode = ErrorCode | 'timeout' | 'disconnected';

export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    /** What the server added to its answer (e.g. where to watch instead). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Failures of one consumer that leave the rest of the stage playable (closed meanwhile, a codec this browser lacks). */
export function isConsumerLocal(error: unknown): boolean {
  return error instanceof RequestError && (error.code === 'not_found' || error.code === 'bad_request');
}

export const REQUEST_TIMEOUT_MS = 10_000;

/** Opens the signaling connection. WebSocket only: no long-polling fallback to keep sticky sessions for. */
export function connectSignaling(origin: string, token: string): StageSocket {
  return io(origin, { auth: { token }, transports: ['websocket'] });
}

// socket.io's typed emit cannot be called with an event generic over the event map; this view is the
// same socket, used with the argument shapes the contract fixes for every request event.
interface AckEmitter {
  timeout(ms: number): { emit(event: string, payload: unknown, ack: (error: Error | null, response: unknown) => void): void };
}

function isAckResponse(
  value: unknown,
): value is { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } } {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'data' in value;
  return 'error' in value && typeof value.error === 'object' && value.error !== null && 'code' in value.error;
}

/**
 * Sends one request and resolves with its `data`, or rejects with a RequestError carrying the server's
 * error code. Requests are refused while disconnected instead of being buffered: a request buffered
 * across a reconnect would reach the server before `resume` and act outside any session.
 */
export function request<E extends RequestEvent>(
  socket: StageSocket,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs: number = REQUEST_TIMEOUT_MS,
): Promise<RequestResult<E>> {
  if (!socket.connected) return Promise.reject(new RequestError('disconnected', `${event}: not connected`));
  return new Promise((resolve, reject) => {
    (socket as unknown as AckEmitter).timeout(timeoutMs).emit(event, payload, (error, response) => {
      if (error) {
        reject(new RequestError('timeout', `${event}: no answer within ${timeoutMs} ms`));
      } else if (!isAckResponse(response)) {
        reject(new RequestError('internal', `${event}: malformed answer`));
      } else if (response.ok) {
        // The server answers each event with the data type the contract names for it.
        resolve(response.data as RequestResult<E>);
      } else {
        reject(new RequestError(response.error.code, `${event}: ${String(response.error.message)}`, response.error.details));
      }
    });
  });
}
