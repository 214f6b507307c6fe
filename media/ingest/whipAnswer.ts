import { type AnswerTransport, writeAnswer } from '../sdp/answer';
import type { WhipOffer } from './whipOffer';

/**
 * The SDP answer to a WHIP offer: the server receives each accepted section with the chosen codec and
 * its retransmission format (see media/sdp/answer.ts for the transport's part).
 */
export function writeWhipAnswer(offer: WhipOffer, transport: AnswerTransport): string {
  return writeAnswer(
    offer.dtlsParameters.role ?? 'client',
    offer.sections.map((section) =>
      'rejected' in section
        ? section
        : {
            answered: {
              kind: section.accepted.kind,
              mid: section.accepted.mid,
              direction: 'recvonly' as const,
              ...section.accepted.answer,
            },
          },
    ),
    transport,
  );
}
