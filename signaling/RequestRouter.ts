import type { Logger } from 'pino';
import { AppError, ERROR_CODES, type ErrorCode, toErrorAnswer } from '../server/errors';
import { validateDto } from '../server/validation';
import type { AckResponse, ClientToServerEvents } from './contract';
import type { AckData, HandlerContext, HandleRequest, ParticipantSocket } from './socketTypes';

/** Refusals that are the client's doing; `unavailable` and `internal` are the server's and never count. */
const CLIENT_FAULTS: ReadonlySet<ErrorCode> = new Set(ERROR_CODES.filter((code) => code !== 'unavailable' && code !== 'internal'));

export interface RefusalPolicy {
  /** A connection refused more than this many times within `windowMs` is handed to `onAbuse`. */
  limit: number;
  windowMs: number;
  onAbuse(socket: ParticipantSocket, event: string): void;
}

/**
 * The socket edge of every request: validates the payload with its DTO before the handler runs,
 * answers exactly one ack, maps errors once (server/errors.ts), and counts the client's refusals.
 * Nothing a client sends can throw out of here.
 */
export class RequestRouter {
  /** The DTO each request event is validated with, as the handlers registered them (tests, docs). */
  readonly requestDtos = new Map<keyof ClientToServerEvents, new () => object>();

  constructor(
    private readonly logger: Logger,
    private readonly refusals: RefusalPolicy,
  ) {}

  readonly handle: HandleRequest = <E extends keyof ClientToServerEvents, D extends object>(
    socket: ParticipantSocket,
    event: E,
    dtoClass: new () => D,
    handler: (dto: D, context: HandlerContext) => Promise<AckData<E>>,
  ): void => {
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
          const { body, unexpected } = toErrorAnswer(error);
          if (unexpected) this.logger.error({ err: error, event }, 'request failed');
          reply?.({ ok: false, error: body });
          if (CLIENT_FAULTS.has(body.code)) this.#refused(socket, event);
        },
      );
    };
    // The typed `on` cannot take a listener generic over E; registering through the untyped view
    // is sound because the listener accepts any arguments and validates them itself.
    (socket as unknown as { on(name: string, fn: (...args: unknown[]) => void): void }).on(event, listener);
  };

  /** Counts a refused request; a client that keeps being refused (a broken or hostile loop) is abusive. */
  #refused(socket: ParticipantSocket, event: string): void {
    const now = Date.now();
    const recent = socket.data.refusals.filter((t) => now - t < this.refusals.windowMs);
    recent.push(now);
    socket.data.refusals = recent;
    if (recent.length <= this.refusals.limit || !socket.connected) return;
    this.logger.warn({ participant: socket.data.principal.id, refusals: recent.length, event }, 'too many refused requests; disconnecting');
    this.refusals.onAbuse(socket, event);
  }
}
