import { type Request, Router } from 'express';
import type { AgendaService } from '../conference/AgendaService';
import { feedSourceId, type StreamKeys } from '../conference/StreamKeys';
import { AppError } from '../errors';
import { stageKey } from '../stageKey';
import { validateDto } from '../validation';
import { SdpSessionParams, StageParams } from './params';
import { bearerOf, handle, notAllowed, preflight, sdpBody, sendAnswer } from './sdpExchange';

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

function streamKeyOf(req: Request): string {
  const key = bearerOf(req, 'stream key');
  if (key === null) throw new AppError('unauthorized', 'WHIP needs "Authorization: Bearer <stream key>"');
  return key;
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
  const body = sdpBody(deps.maxOfferBytes, 'a WHIP offer');

  router.options('/whip/:eventId/:stageId', preflight(ALLOWED_ON_ENDPOINT));
  router.options('/whip/:eventId/:stageId/:sessionId', preflight(ALLOWED_ON_RESOURCE));

  router.post(
    '/whip/:eventId/:stageId',
    handle(async (req, res) => {
      const params = await validateDto(StageParams, { ...req.params });
      const key = await deps.keys.verify(streamKeyOf(req), params);
      const offer = await body(req, res);
      await deps.agenda.getStage(params.eventId, params.stageId);
      const published = await deps.whip.publish({
        stageKey: stageKey(params.eventId, params.stageId),
        sourceId: feedSourceId(key.feed),
        label: key.label,
        holder: key.id,
        offer,
      });
      sendAnswer(res, `/whip/${params.eventId}/${params.stageId}/${published.id}`, published.answer);
    }),
  );

  router.delete(
    '/whip/:eventId/:stageId/:sessionId',
    handle(async (req, res) => {
      const params = await validateDto(SdpSessionParams, { ...req.params });
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
