import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { write, type MediaDescription } from 'sdp-transform';
import type { WhipOffer } from './whipOffer';

/** What the answer says of our side: the transport's ICE-lite candidates and DTLS identity. */
export interface AnswerTransport {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/**
 * The SDP answer to a WHIP offer: ICE-lite (the encoder's agent controls and checks connectivity),
 * every section on the one transport (BUNDLE, rtcp-mux), DTLS in the role opposite the encoder's, the
 * chosen codec and its retransmission format per accepted section, and rejected sections with port 0.
 */
export function writeWhipAnswer(offer: WhipOffer, transport: AnswerTransport): string {
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? transport.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error('the transport has no DTLS fingerprint');
  const setup = offer.dtlsParameters.role === 'client' ? 'passive' : 'active';
  const accepted: string[] = [];
  const media: MediaDescription[] = offer.sections.map((section) => {
    if ('rejected' in section) {
      const { rejected } = section;
      return {
        type: rejected.type,
        port: 0,
        protocol: rejected.protocol,
        payloads: rejected.payloads,
        connection: { version: 4, ip: '0.0.0.0' },
        ...(rejected.mid ? { mid: rejected.mid } : {}),
        direction: 'inactive',
        rtp: [],
        fmtp: [],
      };
    }
    const track = section.accepted;
    accepted.push(track.mid);
    return {
      type: track.kind,
      port: 9,
      protocol: 'UDP/TLS/RTP/SAVPF',
      payloads: track.answer.rtp.map((r) => r.payload).join(' '),
      connection: { version: 4, ip: '0.0.0.0' },
      rtcp: { port: 9, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
      iceUfrag: transport.iceParameters.usernameFragment,
      icePwd: transport.iceParameters.password,
      fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
      setup,
      mid: track.mid,
      direction: 'recvonly',
      rtcpMux: 'rtcp-mux',
      ...(track.answer.rtcpRsize ? { rtcpRsize: 'rtcp-rsize' as const } : {}),
      rtp: track.answer.rtp,
      fmtp: track.answer.fmtp,
      rtcpFb: track.answer.rtcpFb,
      ext: track.answer.ext,
      candidates: transport.iceCandidates.map((c) => ({
        foundation: c.foundation,
        component: 1,
        transport: c.protocol,
        priority: c.priority,
        ip: c.ip,
        port: c.port,
        type: c.type,
        ...(c.tcpType ? { tcptype: c.tcpType } : {}),
      })),
      endOfCandidates: 'end-of-candidates',
    };
  });
  return write({
    version: 0,
    origin: { username: '-', sessionId: String(randomInt(1, 2 ** 47)), sessionVersion: 1, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    ...(accepted.length > 0 ? { groups: [{ type: 'BUNDLE', mids: accepted.join(' ') }] } : {}),
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  });
}
