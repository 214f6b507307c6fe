import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import type { AgendaService } from '../conference/AgendaService';
import { feedSourceId, type StreamKeys } from '../conference/StreamKeys';
import { AppError } from '../errors';
import { stageKey } from '../stageKey';
import { validateDto } from '../validation';
import { StageParams, WhipSessionParams } from './params';

/** What the WHIP endpoint needs of the SFU; the composition root wires it to media/ingest. */
export interface WhipPort {
  /** Opens the publication: its resource id and the SDP answer. */
  publish(request: {
    stageKey: string;
    sourceId: string;
    label: string;
    holder: string;
    offer: string;
  }): Promise<{ id: string; answer: string }>;
  session(id: string): { stageKey: string; sourceId: string; holder: string } | undefined;
  end(id: string): boolean;
}

export interface WhipRoutesDeps {
  keys: StreamKeys;
  agenda: AgendaService;
  whip: WhipPort;
  /** Largest offer read, in bytes; beyond: 413. */
  maxOfferBytes: number;
}

const ALLOWED_ON_ENDPOINT = 'POST, OPTIONS';
const ALLOWED_ON_RESOURCE = 'DELETE, OPTIONS';

/** Browser encoders call from pages of any origin; the stream key travels in a header, never a cookie. */
function cors(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Location, Accept-Patch, Link, ETag');
}

function streamKeyOf(req: Request): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) throw new AppError('unauthorized', 'WHIP needs "Authorization: Bearer <stream key>"');
  return match[1];
}

function preflight(allowed: string): RequestHandler {
  return (_req, res) => {
    cors(res);
    res.setHeader('Access-Control-Allow-Methods', allowed);
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match');
    res.setHeader('Access-Control-Max-Age', '600');
    res.setHeader('Allow', allowed);
    if (allowed.startsWith('POST')) res.setHeader('Accept-Post', 'application/sdp');
    res.status(204).end();
  };
}

function notAllowed(allowed: string, why: string): RequestHandler {
  return (_req, res, next) => {
    cors(res);
    res.setHeader('Allow', allowed);
    next(new AppError('method_not_allowed', why));
  };
}

/** An async handler whose rejection reaches express's error handler (the taxonomy's JSON answer). */
function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    cors(res);
    fn(req, res).catch(next);
  };
}

/**
 * WHIP (RFC 9725) for hall encoders: `POST /whip/:eventId/:stageId` with `Authorization: Bearer <stream
 * key>` and an SDP offer answers 201 with the SDP answer and the session's URL in `Location`; `DELETE`
 * on that URL ends it. The server does no trickle ICE and no ICE restart (it is ICE-lite and gives every
 * candidate in the answer), so PATCH is 405, as the RFC asks of such a server. The key is checked before
 * the body is read.
 */
export function whipRoutes(deps: WhipRoutesDeps): Router {
  const router = Router();
  const readOffer = express.text({ type: () => true, limit: deps.maxOfferBytes });
  const body = (req: Request, res: Response): Promise<string> =>
    new Promise((resolve, reject) =>
      readOffer(req, res, (error?: unknown) =>
        // body-parser's errors carry the type the error handler maps (entity.too.large → 413).
        error
          ? reject(error instanceof Error ? error : new AppError('bad_request', 'the offer could not be read'))
          : resolve(typeof req.body === 'string' ? req.body : ''),
      ),
    );

  router.options('/whip/:eventId/:stageId', preflight(ALLOWED_ON_ENDPOINT));
  router.options('/whip/:eventId/:stageId/:sessionId', preflight(ALLOWED_ON_RESOURCE));

  router.post(
    '/whip/:eventId/:stageId',
    handle(async (req, res) => {
      const params = await validateDto(StageParams, { ...req.params });
      const key = await deps.keys.verify(streamKeyOf(req), params);
      if (req.is('application/sdp') !== 'application/sdp')
        throw new AppError('bad_request', 'a WHIP offer must be Content-Type: application/sdp');
      const offer = await body(req, res);
      await deps.agenda.getStage(params.eventId, params.stageId);
      const published = await deps.whip.publish({
        stageKey: stageKey(params.eventId, params.stageId),
        sourceId: feedSourceId(key.feed),
        label: key.label,
        holder: key.id,
        offer,
      });
      res.setHeader('Location', `/whip/${params.eventId}/${params.stageId}/${published.id}`);
      res.setHeader('Content-Type', 'application/sdp');
      res.status(201).send(published.answer);
    }),
  );

  router.delete(
    '/whip/:eventId/:stageId/:sessionId',
    handle(async (req, res) => {
      const params = await validateDto(WhipSessionParams, { ...req.params });
      const key = await deps.keys.verify(streamKeyOf(req), params);
      const session = deps.whip.session(params.sessionId);
      if (!session || session.stageKey !== stageKey(params.eventId, params.stageId) || session.holder !== key.id) {
        throw new AppError('not_found', `no WHIP session ${params.sessionId} of this key on this stage`);
      }
      deps.whip.end(params.sessionId);
      res.status(200).end();
    }),
  );

  router.patch(
    '/whip/:eventId/:stageId/:sessionId',
    notAllowed(ALLOWED_ON_RESOURCE, 'no trickle ICE or ICE restart: every candidate is in the answer'),
  );
  router.all('/whip/:eventId/:stageId/:sessionId', notAllowed(ALLOWED_ON_RESOURCE, 'a WHIP session takes DELETE'));
  router.all('/whip/:eventId/:stageId', notAllowed(ALLOWED_ON_ENDPOINT, 'the WHIP endpoint takes POST'));
  return router;
}
