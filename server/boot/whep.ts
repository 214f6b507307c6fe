import type { Router } from 'express';
import { MAX_OFFER_BYTES } from '../../media/sdp/offerChecks';
import type { MediaNode } from '../../media/MediaNode';
import { WhepGateway } from '../../media/whep/WhepGateway';
import type { SignalingServer } from '../../signaling/SignalingServer';
import { SEAT_REFUSAL_TEXT } from '../../signaling/WebRtcSeats';
import type { Admission } from '../Admission';
import type { Authenticate } from '../auth/bearer';
import type { Config } from '../config';
import type { Conference } from '../conference/Conference';
import type { ConferenceBus } from '../conference/ConferenceBus';
import { AppError } from '../errors';
import { whepRoutes } from '../http/whep';
import type { Logger } from '../logger';
import { splitStageKey } from '../stageKey';

/**
 * WHEP players of this node's stages: the gateway, and the ends that reach it from elsewhere (an event
 * deleted or a token revoked on any node ends what plays with it here).
 */
export function openWhep(config: Config, media: MediaNode, everywhere: ConferenceBus, logger: Logger): WhepGateway {
  const whep = new WhepGateway(media, media.options, { idleMs: config.whepIdleMs }, logger);
  everywhere.on('eventdeleted', ({ eventId }) => whep.endWhere((session) => splitStageKey(session.stageKey).eventId === eventId));
  everywhere.on('tokenrevoked', ({ tokenId }) => whep.endWhere((session) => session.viewer === tokenId));
  return whep;
}

/**
 * Players are seated by the watch page's rule: none while the node drains, none past its WebRTC
 * seats. The signaling that keeps the seats is built after the HTTP server it listens on, hence a getter.
 */
export function whepRouter(parts: {
  whep: WhepGateway;
  conference: Conference;
  authenticate: Authenticate;
  admission: Admission;
  signaling: () => SignalingServer | undefined;
}): Router {
  return whepRoutes({
    authenticate: parts.authenticate,
    events: parts.conference.events,
    agenda: parts.conference.agenda,
    whep: parts.whep,
    maxOfferBytes: MAX_OFFER_BYTES,
    admit: () => {
      parts.admission.assertOpen();
      const refusal = parts.signaling()?.seatRefusal() ?? null;
      if (refusal) throw new AppError('unavailable', `${SEAT_REFUSAL_TEXT[refusal]}: play the stage's HLS stream instead`);
    },
  });
}
