import { type Request, Router } from 'express';
import type { Authenticate } from '../auth/bearer';
import { assertCan, isPlatformAdmin } from '../auth/permissions';
import type { AgendaService } from '../conference/AgendaService';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { stageKey } from '../stageKey';
import { validateDto } from '../validation';
import { SdpSessionParams, StageParams } from './params';
import { bearerOf, handle, notAllowed, preflight, sdpBody, sendAnswer } from './sdpExchange';

/** What the WHEP endpoint needs of the SFU; the composition root wires it to media/whep. */
export interface WhepPort {
  /** Opens a player's session: its resource id and the SDP answer. */
  play(request: { stageKey: string; viewer: string | null; offer: string }): Promise<{ id: string; answer: string }>;
  session(id: string): { stageKey: string; viewer: string | null } | undefined;
  end(id: string): boolean;
}

export interface WhepRoutesDeps {
  authenticate: Authenticate;
  events: EventDirectory;
  agenda: AgendaService;
  whep: WhepPort;
  /** Throws `unavailable` when this node seats no further WebRTC viewer (the same rule as the watch page's). */
  admit: () => void;
  /** Largest offer read, in bytes; beyond: 413. */
  maxOfferBytes: number;
}

const ALLOWED_ON_ENDPOINT = 'POST, OPTIONS';
const ALLOWED_ON_RESOURCE = 'DELETE, OPTIONS';

/**
 * WHEP (the IETF draft) for players: `POST /whep/:eventId/:stageId` with an SDP offer of recvonly
 * audio and video answers 201 with the SDP answer and the session's URL in `Location`; `DELETE` on that
 * URL ends it. What plays is the stage's program, through every switch. A public event's stages play
 * to anyone; a private event's need `Authorization: Bearer <token>` of that event (any role that may
 * watch), and a session made with a token is ended only with it. No trickle ICE or ICE restart (the
 * server is ICE-lite and gives every candidate in the answer): PATCH is 405.
 */
export function whepRoutes(deps: WhepRoutesDeps): Router {
  const router = Router();
  const body = sdpBody(deps.maxOfferBytes, 'a WHEP offer');

  /** The token id a private event's player holds; null for an anonymous player of a public event. */
  async function viewerOf(req: Request, eventId: string): Promise<string | null> {
    const bearer = bearerOf(req, 'token');
    // A credential that is sent is checked, also where none is needed.
    const principal = bearer === null ? null : await deps.authenticate(bearer);
    const event = await deps.events.event(eventId);
    if (principal) {
      if (principal.eventId !== eventId && !isPlatformAdmin(principal)) throw new AppError('forbidden', 'token is for another event');
      assertCan(principal, 'stage.watch');
      if (!event) throw new AppError('not_found', `no event ${eventId}`);
      return event.isPublic ? null : principal.tokenId;
    }
    // Unknown and private events answer alike: the answer does not tell which ids exist.
    if (!event?.isPublic) throw new AppError('unauthorized', 'this stage plays with "Authorization: Bearer <token>" of its event');
    return null;
  }

  router.options('/whep/:eventId/:stageId', preflight(ALLOWED_ON_ENDPOINT));
  router.options('/whep/:eventId/:stageId/:sessionId', preflight(ALLOWED_ON_RESOURCE));

  router.post(
    '/whep/:eventId/:stageId',
    handle(async (req, res) => {
      const params = await validateDto(StageParams, { ...req.params });
      const viewer = await viewerOf(req, params.eventId);
      deps.admit();
      const offer = await body(req, res);
      await deps.agenda.getStage(params.eventId, params.stageId);
      const played = await deps.whep.play({ stageKey: stageKey(params.eventId, params.stageId), viewer, offer });
      sendAnswer(res, `/whep/${params.eventId}/${params.stageId}/${played.id}`, played.answer);
    }),
  );

  router.delete(
    '/whep/:eventId/:stageId/:sessionId',
    handle(async (req, res) => {
      const params = await validateDto(SdpSessionParams, { ...req.params });
      const session = deps.whep.session(params.sessionId);
      // The session's URL is its capability (an unguessable id); a session made with a token also needs that token.
      const bearer = session?.viewer ? bearerOf(req, 'token') : null;
      const holder = bearer === null ? null : (await deps.authenticate(bearer)).tokenId;
      if (!session || session.stageKey !== stageKey(params.eventId, params.stageId) || session.viewer !== holder) {
        throw new AppError('not_found', `no WHEP session ${params.sessionId} of this viewer on this stage`);
      }
      deps.whep.end(params.sessionId);
      res.status(200).end();
    }),
  );

  router.patch(
    '/whep/:eventId/:stageId/:sessionId',
    notAllowed(ALLOWED_ON_RESOURCE, 'no trickle ICE or ICE restart: every candidate is in the answer'),
  );
  router.all('/whep/:eventId/:stageId/:sessionId', notAllowed(ALLOWED_ON_RESOURCE, 'a WHEP session takes DELETE'));
  router.all('/whep/:eventId/:stageId', notAllowed(ALLOWED_ON_ENDPOINT, 'the WHEP endpoint takes POST'));
  return router;
}
