import type { types } from 'mediasoup';
import { parse, type MediaAttributes, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { MediaError, type MediaKind } from '../types';

/** An offer larger than this is refused before it is parsed (a browser's offer with both tracks is ~6 KB). */
export const MAX_OFFER_BYTES = 32 * 1024;
/** m-sections an offer may have (rejected ones included). */
const MAX_SECTIONS = 8;
const MAX_CANDIDATE_LINES = 64;

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

/** Fingerprint algorithms with the length of their digest in bytes. */
const FINGERPRINT_BYTES: Record<string, number> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 };

const MID = /^[A-Za-z0-9_.-]{1,32}$/;
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;
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

/** An m-section kept in the answer with port 0: a data channel, or a kind beyond the one audio and one video taken. */
export interface RejectedSection {
  mid: string | null;
  type: string;
  protocol: string;
  payloads: string;
}

export interface WhipOffer {
  dtlsParameters: types.DtlsParameters;
  /** In the offer's order: the answer has one m-section per offered one. */
  sections: ({ accepted: OfferedTrack } | { rejected: RejectedSection })[];
}

function refuse(message: string): never {
  throw new MediaError('bad_request', message);
}

/** A parsed value as the text it was written as (sdp-transform turns integer-looking text into numbers). */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function paramsOf(config: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of config.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key) params.set(key.trim().toLowerCase(), rest.join('=').trim());
  }
  return params;
}

/**
 * Whether an H264 profile-level-id is Constrained Baseline, the profile the stage routers take
 * (RFC 6184: profile_idc, then the constraint flags; 42 with constraint_set1, 4D with constraint_set0,
 * 58 with constraint_set0 and 1 all are).
 */
export function isConstrainedBaseline(profileLevelId: string): boolean {
  if (!/^[0-9a-f]{6}$/i.test(profileLevelId)) return false;
  const profileIdc = Number.parseInt(profileLevelId.slice(0, 2), 16);
  const iop = Number.parseInt(profileLevelId.slice(2, 4), 16);
  if ((iop & 0x0f) !== 0) return false;
  if (profileIdc === 0x42) return (iop & 0x40) !== 0;
  if (profileIdc === 0x4d) return (iop & 0x80) !== 0;
  if (profileIdc === 0x58) return (iop & 0xc0) === 0xc0;
  return false;
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

function payloadOrder(media: MediaDescription): number[] {
  const payloads = String(media.payloads ?? '')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '');
  if (payloads.length === 0 || payloads.length > 64) refuse(`m=${media.type} lists ${payloads.length} payload types`);
  return payloads.map((p) => {
    const pt = Number(p);
    if (!isInt(pt, 0, 127)) refuse(`m=${media.type} lists payload type ${p.slice(0, 16)}`);
    return pt;
  });
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

/** The section's DTLS role, ICE credentials and fingerprint, falling back to the session level as RFC 8866 allows. */
function checkTransportAttributes(sdp: SessionDescription, media: MediaDescription, mid: string): void {
  const ufrag = textOf(media.iceUfrag ?? sdp.iceUfrag);
  const pwd = textOf(media.icePwd ?? sdp.icePwd);
  if (typeof ufrag !== 'string' || ufrag.length < 4 || ufrag.length > 256 || !ICE_CHARS.test(ufrag))
    refuse(`mid ${mid}: missing or malformed ice-ufrag`);
  if (typeof pwd !== 'string' || pwd.length < 22 || pwd.length > 256 || !ICE_CHARS.test(pwd))
    refuse(`mid ${mid}: missing or malformed ice-pwd`);
  if (media.rtcpMux !== 'rtcp-mux') refuse(`mid ${mid}: rtcp-mux is required`);
  if ((media.candidates ?? []).length > MAX_CANDIDATE_LINES) refuse(`mid ${mid}: too many candidates`);
}

function dtlsOf(sdp: SessionDescription, sections: MediaDescription[]): types.DtlsParameters {
  const first = sections[0];
  const fingerprint = first?.fingerprint ?? sdp.fingerprint;
  const setup = textOf(first?.setup ?? sdp.setup);
  const type = textOf(fingerprint?.type);
  const hash = textOf(fingerprint?.hash);
  if (type === undefined || hash === undefined) refuse('the offer has no DTLS fingerprint');
  const algorithm = type.toLowerCase();
  const bytes = FINGERPRINT_BYTES[algorithm];
  if (bytes === undefined)
    refuse(`fingerprint algorithm ${algorithm.slice(0, 16)} is not one of ${Object.keys(FINGERPRINT_BYTES).join(', ')}`);
  const value = hash.toUpperCase();
  if (!new RegExp(`^[0-9A-F]{2}(:[0-9A-F]{2}){${bytes - 1}}$`).test(value)) refuse(`the ${algorithm} fingerprint is malformed`);
  for (const media of sections.slice(1)) {
    const other = media.fingerprint ?? sdp.fingerprint;
    if (textOf(other?.type)?.toLowerCase() !== algorithm || textOf(other?.hash)?.toUpperCase() !== value)
      refuse('bundled sections must share one fingerprint');
  }
  // Our side answers the other role; actpass leaves the choice to us, and the server waits (passive).
  const role =
    setup === 'actpass' || setup === 'active'
      ? 'client'
      : setup === 'passive'
        ? 'server'
        : refuse('a=setup must be actpass, active or passive');
  return { role, fingerprints: [{ algorithm, value }] };
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
  if (Buffer.byteLength(text) > MAX_OFFER_BYTES) refuse(`the offer is larger than ${MAX_OFFER_BYTES} bytes`);
  // Lines end in CRLF (RFC 8866); a bare LF is tolerated as most parsers do. Other control characters are not.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) refuse('the offer contains control characters');
  if (!/^v=0\r?\n/.test(text)) refuse('the offer does not start with v=0');
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch {
    refuse('the offer is not SDP');
  }
  const media = Array.isArray(sdp.media) ? sdp.media : [];
  if (media.length === 0) refuse('the offer has no m-section');
  if (media.length > MAX_SECTIONS) refuse(`the offer has more than ${MAX_SECTIONS} m-sections`);
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
      sections.push({
        rejected: {
          mid,
          type: String(section.type).slice(0, 32),
          protocol: String(section.protocol).slice(0, 64),
          payloads: rejectedPayloads(section),
        },
      });
      continue;
    }
    if (section.protocol !== 'UDP/TLS/RTP/SAVPF') refuse(`mid ${mid}: protocol must be UDP/TLS/RTP/SAVPF`);
    checkTransportAttributes(sdp, section, mid);
    taken.add(kind);
    accepted.push(section);
    sections.push({ accepted: trackOf(section, kind, mid) });
  }
  if (accepted.length === 0) refuse('the offer sends no audio or video track');
  if (accepted.length > 1) {
    const bundle = (sdp.groups ?? []).find((g) => g.type === 'BUNDLE');
    const bundled = new Set(String(bundle?.mids ?? '').split(/\s+/));
    if (!accepted.every((m) => bundled.has(textOf(m.mid) ?? ''))) refuse('the audio and video sections must be in one BUNDLE group');
  }
  const ssrcs = sections.flatMap((s) =>
    'accepted' in s ? (s.accepted.rtpParameters.encodings?.flatMap((e) => [e.ssrc, e.rtx?.ssrc]).filter((x) => x !== undefined) ?? []) : [],
  );
  if (new Set(ssrcs).size !== ssrcs.length) refuse('an ssrc is used by two streams');
  return { dtlsParameters: dtlsOf(sdp, accepted), sections };
}

function rejectedPayloads(section: MediaDescription): string {
  const first = String(section.payloads ?? '')
    .trim()
    .split(/\s+/)[0];
  return first && /^[A-Za-z0-9-]{1,32}$/.test(first) ? first : '0';
}
