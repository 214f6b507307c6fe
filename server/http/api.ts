import { type Request, type RequestHandler, type Response, Router } from 'express';
import { type Action, EVERY_EVENT, assertCan, isPlatformAdmin } from '../auth/permissions';
import type { Authenticate } from '../auth/bearer';
import type { Principal } from '../auth/tokens';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { EmptyDto, validateDto } from '../validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A handler's answer that is not JSON (a calendar, a CSV): sent as it is, with its media type. */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly body: string,
    /** Offered to save under this name (Content-Disposition: attachment). */
    readonly filename?: string,
  ) {}
}

/**
 * Who may call a route:
 * - an Action of the permission table: a valid token of the route's event whose role may do it;
 * - 'event-read': anyone for a public event, a token of the event otherwise;
 * - 'anyone': no check (the handler decides, e.g. the join endpoint);
 * - 'platform': a platform administrator's token (permissions.ts `isPlatformAdmin`).
 * A platform administrator's token counts as a token of every event.
 */
export type Access = Action | 'event-read' | 'anyone' | 'platform';

type DtoClass<T> = new () => T;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller, when a valid bearer token came with the request. */
  principal: Principal | null;
  req: Request;
}

export interface RouteSpec<P extends object = object, Q extends object = object, B extends object = object> {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/events/:eventId/sessions/:sessionId`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: DtoClass<P>;
  query?: DtoClass<Q>;
  body?: DtoClass<B>;
  /** Success status; 200 unless said otherwise (201 for creations, 204 for no content). */
  status?: number;
  /** Name of the response schema in the OpenAPI components (documentation only). */
  response?: string;
  /** Media types of the answer when it is not JSON alone (a RawReply's), for the documentation; default JSON. */
  produces?: string[];
  middleware?: RequestHandler[];
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown>;
}

function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError('unauthorized', 'malformed Authorization header: expected "Bearer <token>"');
  return match[1];
}

/**
 * The JSON body of a request: `{}` when it has none. A body of another media type is refused rather
 * than ignored (express.json leaves it unparsed), so nothing a client sends is silently dropped.
 */
function jsonBody(req: Request): unknown {
  const length = req.headers['content-length'];
  const empty = length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
  if (!empty && req.is('application/json') === false) throw new AppError('bad_request', 'a request body must be application/json');
  return req.body ?? {};
}

/**
 * Every REST route of stagecast is declared once here: the same declaration registers the express
 * handler (validation, access, error mapping) and describes the route in the OpenAPI document.
 */
export class ApiRegistry {
  readonly routes: RouteSpec[] = [];

  constructor(private readonly deps: { authenticate: Authenticate; events: EventDirectory }) {}

  add<P extends object, Q extends object, B extends object>(spec: RouteSpec<P, Q, B>): void {
    // Every path parameter is validated: a route with one must name its params DTO.
    if (spec.path.includes(':') && !spec.params) throw new Error(`route ${spec.operationId} has path parameters but no params DTO`);
    if (this.routes.some((r) => r.operationId === spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
    this.routes.push(spec as unknown as RouteSpec);
  }

  router(): Router {
    const router = Router();
    for (const spec of this.routes) {
      router[spec.method](spec.path, ...(spec.middleware ?? []), (req: Request, res: Response) => this.#handle(spec, req, res));
    }
    return router;
  }

  async #handle(spec: RouteSpec, req: Request, res: Response): Promise<void> {
    // Who is calling is settled before the body is looked at: an unauthorised client learns nothing
    // from validation errors.
    const params = spec.params ? await validateDto(spec.params, { ...req.params }) : {};
    const token = bearerToken(req);
    // A token or an API key (server/auth/bearer.ts), checked against revocations either way.
    const caller = token ? await this.deps.authenticate(token) : null;
    const principal = await this.#authorize(
      spec.access,
      caller,
      'eventId' in params && typeof params.eventId === 'string' ? params.eventId : undefined,
    );
    // A route without a query or body DTO takes none: unknown parameters and fields are refused.
    const query = await validateDto(spec.query ?? EmptyDto, { ...(req.query as object) });
    const body = await validateDto(spec.body ?? EmptyDto, jsonBody(req));
    const result = await spec.handler({ params, query, body, principal, req });
    const status = spec.status ?? 200;
    if (result instanceof RawReply) {
      if (result.filename !== undefined) res.attachment(result.filename);
      res.status(status).type(result.contentType).send(result.body);
      return;
    }
    if (status === 204 || result === undefined) res.status(status === 200 ? 204 : status).end();
    else res.status(status).json(result);
  }

  /** Checks access and answers the principal the handler acts for (null: an anonymous reader). */
  async #authorize(access: Access, principal: Principal | null, eventId: string | undefined): Promise<Principal | null> {
    if (access === 'anyone') return principal;
    const foreign = principal !== null && eventId !== undefined && principal.eventId !== eventId && !isPlatformAdmin(principal);
    if (access === 'event-read') {
      if (eventId === undefined) return principal;
      // A private event is, to a caller without a token of it, exactly an unknown one (404).
      await this.deps.events.visibleEvent(eventId, principal);
      // A token of another event counts for nothing here: its holder reads a public event anonymously.
      return foreign ? null : principal;
    }
    if (!principal) throw new AppError('unauthorized', 'missing bearer token');
    if (foreign) throw new AppError('forbidden', 'token is for another event');
    if (access === 'platform') {
      if (!isPlatformAdmin(principal))
        throw new AppError('forbidden', `only a platform administrator (an admin token of event "${EVERY_EVENT}") may do this`);
      return principal;
    }
    assertCan(principal, access);
    return principal;
  }
}
