import type { types } from 'mediasoup';
import type { MediaDescription } from 'sdp-transform';
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

/** The video codecs a program feed carries (the stage routers' codecs). */
export type PlayerVideoCodec = 'VP8' | 'H264';

/** RTCP feedback a player may ask for and the worker answers, as `type subtype`; no bandwidth estimation (one encoding: nothing to choose). */
const FEEDBACK: Record<MediaKind, readonly string[]> = {
  audio: [],
  video: ['nack ', 'nack pli', 'ccm fir'],
};

/**
 * mediasoup 3.8.4 writes a consumer's mid into 8 bytes of its packets; a longer one would be refused on
 * every packet. Players use short mids (`0`, `1`, `video0`).
 */
const MAX_MID_LENGTH = 8;

/** One codec the player can decode, with the payload type and feedback it offered for it. */
export interface PlayerCodec {
  payloadType: number;
  /** `opus` for audio. */
  name: 'opus' | PlayerVideoCodec;
  feedback: types.RtcpFeedback[];
  /** The fmtp line as offered (H264's packetization-mode and profile among it). */
  fmtp: string | null;
}

/** A recvonly m-section the server sends the program on. */
export interface PlayerTrack {
  mid: string;
  kind: MediaKind;
  /** The usable codecs in the player's order of preference (audio: Opus alone). */
  codecs: PlayerCodec[];
  /** The header extensions offered, by id (checked: 1–14, each once). */
  ext: { id: number; uri: string }[];
  rtcpRsize: boolean;
}

export interface WhepOffer {
  dtlsParameters: types.DtlsParameters;
  /** In the offer's order: the answer has one m-section per offered one. */
  sections: ({ accepted: PlayerTrack } | { rejected: RejectedSection })[];
}

/**
 * Dynamic payload types only: 96–127, and 35–63 which browsers use once those run out. Static ones
 * name other codecs, and 64–95 collide with RTCP packet types on a muxed port.
 */
function isDynamic(pt: number): boolean {
  return (pt >= 96 && pt <= 127) || (pt >= 35 && pt <= 63);
}

function feedbackOf(media: MediaDescription, kind: MediaKind, pt: number): types.RtcpFeedback[] {
  const feedback: types.RtcpFeedback[] = [];
  for (const line of media.rtcpFb ?? []) {
    if (String(line.payload) !== String(pt) && line.payload !== '*') continue;
    const type = textOf(line.type) ?? '';
    const parameter = textOf(line.subtype) ?? '';
    if (FEEDBACK[kind].includes(`${type} ${parameter}`) && !feedback.some((f) => f.type === type && f.parameter === parameter)) {
      feedback.push({ type, parameter });
    }
  }
  return feedback;
}

/** The codecs of the section the stages can send, in the offer's order. */
function codecsOf(media: MediaDescription, kind: MediaKind, mid: string): PlayerCodec[] {
  // A browser offers some 35 formats with 5 feedback lines each; the offer's size (32 KB) bounds them anyway.
  if ((media.rtcpFb ?? []).length > 512) refuse(`mid ${mid}: too many rtcp-fb lines`);
  if (media.rtp.length > 128 || media.fmtp.length > 128) refuse(`mid ${mid}: too many rtpmap or fmtp lines`);
  const codecs: PlayerCodec[] = [];
  for (const pt of payloadOrder(media)) {
    const rtp = media.rtp.find((r) => r.payload === pt);
    if (!rtp || !isDynamic(pt)) continue;
    const name = (textOf(rtp.codec) ?? '').toLowerCase();
    const fmtp = textOf(media.fmtp.find((f) => f.payload === pt)?.config) ?? null;
    const codec = (chosen: PlayerCodec['name']): PlayerCodec => ({
      payloadType: pt,
      name: chosen,
      feedback: feedbackOf(media, kind, pt),
      fmtp,
    });
    if (kind === 'audio' && name === 'opus' && rtp.rate === 48000 && rtp.encoding === 2) codecs.push(codec('opus'));
    if (kind === 'video' && name === 'vp8' && rtp.rate === 90000) codecs.push(codec('VP8'));
    if (kind === 'video' && name === 'h264' && rtp.rate === 90000 && fmtp !== null) {
      const params = paramsOf(fmtp);
      if (params.get('packetization-mode') === '1' && isConstrainedBaseline(params.get('profile-level-id') ?? '42001f'))
        codecs.push(codec('H264'));
    }
  }
  // Keep the first of each codec: one is answered, and its payload type must be unambiguous.
  const first = codecs.filter((c, i) => codecs.findIndex((o) => o.name === c.name) === i);
  if (first.length === 0) {
    refuse(
      kind === 'audio'
        ? `mid ${mid}: no usable audio codec (Opus 48 kHz stereo is sent)`
        : `mid ${mid}: no usable video codec (VP8, or H264 Constrained Baseline with packetization-mode=1, is sent)`,
    );
  }
  return first;
}

function extensionsOf(media: MediaDescription, mid: string): { id: number; uri: string }[] {
  const offered = media.ext ?? [];
  if (offered.length > 32) refuse(`mid ${mid}: too many extmap lines`);
  const ext: { id: number; uri: string }[] = [];
  for (const line of offered) {
    if (!isInt(line.value, 1, 14)) refuse(`mid ${mid}: extmap id ${String(line.value).slice(0, 16)} is outside 1–14`);
    if (ext.some((e) => e.id === line.value)) refuse(`mid ${mid}: extmap id ${line.value} is used twice`);
    const uri = textOf(line.uri) ?? '';
    if (uri.length > 256) refuse(`mid ${mid}: extmap URI too long`);
    ext.push({ id: line.value, uri });
  }
  return ext;
}

/**
 * Reads a WHEP offer (a player's recvonly audio and video sections) into what the server answers:
 * the DTLS parameters and, per m-section, the codecs the player decodes that a program feed can
 * carry, or the reason the section is rejected (port 0). Checked in full before anything opens; throws
 * MediaError `bad_request` with a reason a player's developer can act on.
 */
export function readWhepOffer(text: string): WhepOffer {
  const { sdp, media } = parseOffer(text);
  const mids = new Set<string>();
  const taken = new Set<MediaKind>();
  const accepted: MediaDescription[] = [];
  const sections: WhepOffer['sections'] = [];
  for (const section of media) {
    const mid = textOf(section.mid);
    if (mid === undefined || !MID.test(mid) || mid.length > MAX_MID_LENGTH)
      refuse(`every m-section needs an a=mid of 1–${MAX_MID_LENGTH} letters, digits, _ . -`);
    if (mids.has(mid)) refuse(`mid ${mid} is used twice`);
    mids.add(mid);
    const kind = section.type === 'audio' || section.type === 'video' ? section.type : null;
    // A player receives only; a section that would send (or says nothing, which means sendrecv) is not taken.
    const receives = section.direction === 'recvonly';
    if (!kind || !receives || section.port === 0) {
      sections.push({ rejected: rejectedSection(mid, section) });
      continue;
    }
    if (taken.has(kind)) refuse(`a second ${kind} section (mid ${mid}): one audio and one video track are sent`);
    if (section.protocol !== 'UDP/TLS/RTP/SAVPF') refuse(`mid ${mid}: protocol must be UDP/TLS/RTP/SAVPF`);
    checkTransportAttributes(sdp, section, mid);
    if ((section.ssrcs ?? []).length > 32) refuse(`mid ${mid}: too many ssrc lines`);
    taken.add(kind);
    accepted.push(section);
    sections.push({
      accepted: {
        mid,
        kind,
        codecs: codecsOf(section, kind, mid),
        ext: extensionsOf(section, mid),
        rtcpRsize: section.rtcpRsize === 'rtcp-rsize',
      },
    });
  }
  if (accepted.length === 0) refuse('the offer has no recvonly audio or video section');
  checkBundle(sdp, accepted);
  // The answer's payload types are the offer's: one per codec across the bundle, or packets could not be told apart.
  const audio = sections.find((s) => 'accepted' in s && s.accepted.kind === 'audio');
  const video = sections.find((s) => 'accepted' in s && s.accepted.kind === 'video');
  if (audio && video && 'accepted' in audio && 'accepted' in video) {
    const audioPts = new Set(audio.accepted.codecs.map((c) => c.payloadType));
    if (video.accepted.codecs.some((c) => audioPts.has(c.payloadType))) refuse('audio and video use one payload type');
  }
  return { dtlsParameters: dtlsOf(sdp, accepted), sections };
}
