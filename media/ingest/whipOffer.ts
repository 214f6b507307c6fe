import type { types } from 'mediasoup';
import type { MediaAttributes, MediaDescription } from 'sdp-transform';
import {
  checkBundle,
  checkTransportAttributes,
  dtlsOf,
  isConstrainedBaseline,
  isInt,
  MID,
  paramsOf,
  parseOffer,
  payloadOrder,
  refuse,
  rejectedSection,
  textOf,
} from '../sdp/offerChecks';
import type { RejectedSection } from '../sdp/answer';
import type { MediaKind } from '../types';

/** Header extensions the worker reads on incoming RTP, by URI; others in the offer are not answered. */
const HEADER_EXTENSIONS: Record<MediaKind, readonly string[]> = {
  audio: [
    'urn:ietf:params:rtp-hdrext:sdes:mid',
    'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  ],
  video: [
    'urn:ietf:params:rtp-hdrext:sdes:mid',
    'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'urn:3gpp:video-orientation',
    'urn:ietf:params:rtp-hdrext:toffset',
  ],
};

/** RTCP feedback the worker answers or generates, as `type subtype`. */
const FEEDBACK: Record<MediaKind, readonly string[]> = {
  audio: ['transport-cc '],
  video: ['nack ', 'nack pli', 'ccm fir', 'goog-remb ', 'transport-cc '],
};

const CNAME = /^[\x21-\x7e]{1,255}$/;

/** One m-section of the offer that becomes a producer. */
export interface OfferedTrack {
  mid: string;
  kind: MediaKind;
  /** What `transport.produce` takes, checked against what the stage's routers speak. */
  rtpParameters: types.RtpParameters;
  /** The payload types answered: the chosen codec, then its retransmission format when there is one. */
  answer: {
    rtp: MediaAttributes['rtp'];
    fmtp: MediaAttributes['fmtp'];
    rtcpFb: NonNullable<MediaAttributes['rtcpFb']>;
    ext: NonNullable<MediaAttributes['ext']>;
    rtcpRsize: boolean;
  };
}

export interface WhipOffer {
  dtlsParameters: types.DtlsParameters;
  /** In the offer's order: the answer has one m-section per offered one. */
  sections: ({ accepted: OfferedTrack } | { rejected: RejectedSection })[];
}

/** The codec the stage takes from this section, in the offer's order of preference, with its format parameters. */
function chooseCodec(
  media: MediaDescription,
  kind: MediaKind,
): { payloadType: number; codec: types.RtpCodecParameters; fmtp: string | null } | null {
  const fmtpOf = (pt: number): string | null => textOf(media.fmtp.find((f) => f.payload === pt)?.config) ?? null;
  for (const pt of payloadOrder(media)) {
    const rtp = media.rtp.find((r) => r.payload === pt);
    if (!rtp) continue;
    const name = (textOf(rtp.codec) ?? '').toLowerCase();
    const fmtp = fmtpOf(pt);
    if (kind === 'audio' && name === 'opus' && rtp.rate === 48000 && (rtp.encoding === undefined || rtp.encoding === 2)) {
      return { payloadType: pt, codec: { mimeType: 'audio/opus', payloadType: pt, clockRate: 48000, channels: 2 }, fmtp };
    }
    if (kind === 'video' && name === 'vp8' && rtp.rate === 90000) {
      return { payloadType: pt, codec: { mimeType: 'video/VP8', payloadType: pt, clockRate: 90000 }, fmtp };
    }
    if (kind === 'video' && name === 'h264' && rtp.rate === 90000 && fmtp !== null) {
      const params = paramsOf(fmtp);
      const profile = params.get('profile-level-id') ?? '42001f';
      if (params.get('packetization-mode') !== '1' || !isConstrainedBaseline(profile)) continue;
      return {
        payloadType: pt,
        codec: {
          mimeType: 'video/H264',
          payloadType: pt,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': profile.toLowerCase(), 'level-asymmetry-allowed': 1 },
        },
        fmtp,
      };
    }
  }
  return null;
}

/** The SSRCs of the section's stream: the media one and, with an FID group, its retransmission one. */
function ssrcsOf(media: MediaDescription, mid: string): { ssrc: number; rtxSsrc: number | null; cname: string } {
  const ssrcLines = media.ssrcs ?? [];
  if (ssrcLines.length > 32) refuse(`mid ${mid}: too many ssrc lines`);
  const ids = [...new Set(ssrcLines.map((s) => s.id))];
  for (const id of ids) if (!isInt(id, 1, 0xffffffff)) refuse(`mid ${mid}: ssrc ${String(id).slice(0, 16)} is not a 32-bit number`);
  const fid = (media.ssrcGroups ?? []).find((g) => String(g.semantics).toUpperCase() === 'FID');
  let ssrc: number;
  let rtxSsrc: number | null = null;
  if (fid) {
    const members = String(fid.ssrcs).trim().split(/\s+/).map(Number);
    if (members.length !== 2 || !members.every((m) => ids.includes(m)) || members[0] === members[1]) {
      refuse(`mid ${mid}: ssrc-group FID must name two of the section's ssrcs`);
    }
    [ssrc, rtxSsrc] = members as [number, number];
  } else {
    if (ids.length !== 1) refuse(`mid ${mid}: one ssrc expected (simulcast is not taken), found ${ids.length}`);
    ssrc = ids[0];
  }
  const cname = textOf(ssrcLines.find((s) => s.id === ssrc && s.attribute === 'cname')?.value) ?? `whip-${mid}`;
  if (!CNAME.test(cname)) refuse(`mid ${mid}: cname is not printable ASCII of 1–255 characters`);
  return { ssrc, rtxSsrc, cname };
}

function headerExtensionsOf(media: MediaDescription, kind: MediaKind, mid: string): NonNullable<MediaAttributes['ext']> {
  const offered = media.ext ?? [];
  if (offered.length > 32) refuse(`mid ${mid}: too many extmap lines`);
  const ids = new Set<number>();
  const kept: NonNullable<MediaAttributes['ext']> = [];
  for (const ext of offered) {
    if (!isInt(ext.value, 1, 14)) refuse(`mid ${mid}: extmap id ${String(ext.value).slice(0, 16)} is outside 1–14`);
    if (ids.has(ext.value)) refuse(`mid ${mid}: extmap id ${ext.value} is used twice`);
    ids.add(ext.value);
    if (ext.direction !== undefined && ext.direction !== 'sendonly' && ext.direction !== 'sendrecv') continue;
    const uri = textOf(ext.uri) ?? '';
    if (HEADER_EXTENSIONS[kind].includes(uri) && !kept.some((k) => k.uri === uri)) kept.push({ value: ext.value, uri });
  }
  return kept;
}

function feedbackOf(media: MediaDescription, kind: MediaKind, pt: number, mid: string): types.RtcpFeedback[] {
  const lines = media.rtcpFb ?? [];
  if (lines.length > 64) refuse(`mid ${mid}: too many rtcp-fb lines`);
  const feedback: types.RtcpFeedback[] = [];
  for (const line of lines) {
    if (String(line.payload) !== String(pt) && line.payload !== '*') continue;
    const type = textOf(line.type) ?? '';
    const parameter = textOf(line.subtype) ?? '';
    if (FEEDBACK[kind].includes(`${type} ${parameter}`) && !feedback.some((f) => f.type === type && f.parameter === parameter)) {
      feedback.push({ type, parameter });
    }
  }
  return feedback;
}

function trackOf(media: MediaDescription, kind: MediaKind, mid: string): OfferedTrack {
  const chosen = chooseCodec(media, kind);
  if (!chosen) {
    refuse(
      kind === 'audio'
        ? `mid ${mid}: no usable audio codec (Opus 48 kHz stereo is taken)`
        : `mid ${mid}: no usable video codec (VP8, or H264 Constrained Baseline with packetization-mode=1)`,
    );
  }
  const { ssrc, rtxSsrc, cname } = ssrcsOf(media, mid);
  const ext = headerExtensionsOf(media, kind, mid);
  const feedback = feedbackOf(media, kind, chosen.payloadType, mid);
  const rtxPt =
    rtxSsrc === null
      ? undefined
      : media.rtp.find(
          (r) =>
            textOf(r.codec)?.toLowerCase() === 'rtx' &&
            r.rate === 90000 &&
            media.fmtp.some((f) => f.payload === r.payload && paramsOf(textOf(f.config) ?? '').get('apt') === String(chosen.payloadType)),
        )?.payload;
  const codecs: types.RtpCodecParameters[] = [{ ...chosen.codec, rtcpFeedback: feedback }];
  if (rtxPt !== undefined) {
    codecs.push({ mimeType: `${kind}/rtx`, payloadType: rtxPt, clockRate: 90000, parameters: { apt: chosen.payloadType } });
  }
  const rtcpRsize = media.rtcpRsize === 'rtcp-rsize';
  return {
    mid,
    kind,
    rtpParameters: {
      mid,
      codecs,
      headerExtensions: ext.map((e) => ({ uri: e.uri, id: e.value })),
      encodings: [rtxPt !== undefined && rtxSsrc !== null ? { ssrc, rtx: { ssrc: rtxSsrc } } : { ssrc }],
      rtcp: { cname, reducedSize: rtcpRsize, mux: true },
    },
    answer: {
      rtp: media.rtp.filter((r) => r.payload === chosen.payloadType || r.payload === rtxPt).map((r) => ({ ...r })),
      fmtp: media.fmtp.filter((f) => f.payload === chosen.payloadType || f.payload === rtxPt).map((f) => ({ ...f })),
      rtcpFb: feedback.map((f) => ({ payload: chosen.payloadType, type: f.type, ...(f.parameter ? { subtype: f.parameter } : {}) })),
      ext,
      rtcpRsize,
    },
  };
}

/**
 * Reads a WHIP offer (RFC 9725, RFC 8829's SDP) into what mediasoup needs: the DTLS parameters and,
 * per m-section, a producer's RTP parameters, or the reason the section is rejected. Everything is
 * checked here, before a transport exists, so a refused offer opens nothing. Throws MediaError
 * `bad_request` with a reason an encoder's operator can act on.
 */
export function readWhipOffer(text: string): WhipOffer {
  const { sdp, media } = parseOffer(text);
  const mids = new Set<string>();
  const taken = new Set<MediaKind>();
  const accepted: MediaDescription[] = [];
  const sections: WhipOffer['sections'] = [];
  for (const section of media) {
    // sdp-transform reads values that look like integers as numbers (`a=mid:0` → 0).
    const mid = textOf(section.mid);
    if (mid === undefined || !MID.test(mid)) refuse('every m-section needs an a=mid of 1–32 letters, digits, _ . -');
    if (mids.has(mid)) refuse(`mid ${mid} is used twice`);
    mids.add(mid);
    const kind = section.type === 'audio' || section.type === 'video' ? section.type : null;
    // No direction attribute means sendrecv (RFC 8866, 6.7).
    const sends = section.direction === undefined || section.direction === 'sendonly' || section.direction === 'sendrecv';
    if (!kind || !sends || section.port === 0 || taken.has(kind)) {
      if (kind && sends && taken.has(kind)) refuse(`a second ${kind} section (mid ${mid}): one audio and one video track are taken`);
      sections.push({ rejected: rejectedSection(mid, section) });
      continue;
    }
    if (section.protocol !== 'UDP/TLS/RTP/SAVPF') refuse(`mid ${mid}: protocol must be UDP/TLS/RTP/SAVPF`);
    checkTransportAttributes(sdp, section, mid);
    taken.add(kind);
    accepted.push(section);
    sections.push({ accepted: trackOf(section, kind, mid) });
  }
  if (accepted.length === 0) refuse('the offer sends no audio or video track');
  checkBundle(sdp, accepted);
  const ssrcs = sections.flatMap((s) =>
    'accepted' in s ? (s.accepted.rtpParameters.encodings?.flatMap((e) => [e.ssrc, e.rtx?.ssrc]).filter((x) => x !== undefined) ?? []) : [],
  );
  if (new Set(ssrcs).size !== ssrcs.length) refuse('an ssrc is used by two streams');
  return { dtlsParameters: dtlsOf(sdp, accepted), sections };
}
