import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { write, type MediaAttributes, type MediaDescription } from 'sdp-transform';

/** What the answer says of our side: the transport's ICE-lite candidates and DTLS identity. */
export interface AnswerTransport {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/** An m-section we take: what it carries, and in which direction from our side. */
export interface AnsweredSection {
  kind: 'audio' | 'video';
  mid: string;
  direction: 'recvonly' | 'sendonly';
  rtp: MediaAttributes['rtp'];
  fmtp: MediaAttributes['fmtp'];
  rtcpFb: NonNullable<MediaAttributes['rtcpFb']>;
  ext: NonNullable<MediaAttributes['ext']>;
  rtcpRsize: boolean;
  /** What we send (sendonly): the stream's SSRCs with cname and msid, and its RTX group. */
  ssrcs?: NonNullable<MediaAttributes['ssrcs']>;
  ssrcGroups?: NonNullable<MediaAttributes['ssrcGroups']>;
  msid?: { id: string; appdata?: string };
}

/** An m-section kept in the answer with port 0. */
export interface RejectedSection {
  mid: string | null;
  type: string;
  protocol: string;
  payloads: string;
}

/**
 * An SDP answer of the server (WHIP, WHEP): ICE-lite (the client's agent controls and checks
 * connectivity), every taken section on the one transport (BUNDLE, rtcp-mux), DTLS in the role opposite
 * the client's, and rejected sections with port 0, in the offer's order.
 */
export function writeAnswer(
  offerRole: types.DtlsRole,
  sections: ({ answered: AnsweredSection } | { rejected: RejectedSection })[],
  transport: AnswerTransport,
): string {
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? transport.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error('the transport has no DTLS fingerprint');
  const setup = offerRole === 'client' ? 'passive' : 'active';
  const accepted: string[] = [];
  const media: MediaDescription[] = sections.map((section) => {
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
    const track = section.answered;
    accepted.push(track.mid);
    return {
      type: track.kind,
      port: 9,
      protocol: 'UDP/TLS/RTP/SAVPF',
      payloads: track.rtp.map((r) => r.payload).join(' '),
      connection: { version: 4, ip: '0.0.0.0' },
      rtcp: { port: 9, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
      iceUfrag: transport.iceParameters.usernameFragment,
      icePwd: transport.iceParameters.password,
      fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
      setup,
      mid: track.mid,
      direction: track.direction,
      ...(track.msid ? { msid: [track.msid] } : {}),
      rtcpMux: 'rtcp-mux',
      ...(track.rtcpRsize ? { rtcpRsize: 'rtcp-rsize' as const } : {}),
      rtp: track.rtp,
      fmtp: track.fmtp,
      rtcpFb: track.rtcpFb,
      ext: track.ext,
      ...(track.ssrcs ? { ssrcs: track.ssrcs } : {}),
      ...(track.ssrcGroups ? { ssrcGroups: track.ssrcGroups } : {}),
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
