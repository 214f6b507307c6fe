import type { types } from 'mediasoup';
import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { MediaError } from '../types';
import type { RejectedSection } from './answer';

/**
 * The checks every SDP offer an HTTP client sends (WHIP publishers, WHEP players) goes through before
 * anything opens: its size, its characters, its transport attributes (ICE, DTLS, rtcp-mux, BUNDLE) and
 * the shape of its payload type lists. What differs between publishing and playing (directions, codecs,
 * SSRCs) is read by whipOffer.ts and whepOffer.ts.
 */

/** An offer larger than this is refused before it is parsed (a browser's offer with both tracks is ~6 KB). */
export const MAX_OFFER_BYTES = 32 * 1024;
/** m-sections an offer may have (rejected ones included). */
const MAX_SECTIONS = 8;
const MAX_CANDIDATE_LINES = 64;

/** Fingerprint algorithms with the length of their digest in bytes. */
const FINGERPRINT_BYTES: Record<string, number> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 };

export const MID = /^[A-Za-z0-9_.-]{1,32}$/;
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

export function refuse(message: string): never {
  throw new MediaError('bad_request', message);
}

/** A parsed value as the text it was written as (sdp-transform turns integer-looking text into numbers). */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** An fmtp line's `key=value;…` as a map with lower-case keys. */
export function paramsOf(config: string): Map<string, string> {
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

/** The section's payload types in the offer's order of preference. */
export function payloadOrder(media: MediaDescription): number[] {
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

/** The section's ICE credentials (falling back to the session level as RFC 8866 allows), rtcp-mux and candidate count. */
export function checkTransportAttributes(sdp: SessionDescription, media: MediaDescription, mid: string): void {
  const ufrag = textOf(media.iceUfrag ?? sdp.iceUfrag);
  const pwd = textOf(media.icePwd ?? sdp.icePwd);
  if (typeof ufrag !== 'string' || ufrag.length < 4 || ufrag.length > 256 || !ICE_CHARS.test(ufrag))
    refuse(`mid ${mid}: missing or malformed ice-ufrag`);
  if (typeof pwd !== 'string' || pwd.length < 22 || pwd.length > 256 || !ICE_CHARS.test(pwd))
    refuse(`mid ${mid}: missing or malformed ice-pwd`);
  if (media.rtcpMux !== 'rtcp-mux') refuse(`mid ${mid}: rtcp-mux is required`);
  if ((media.candidates ?? []).length > MAX_CANDIDATE_LINES) refuse(`mid ${mid}: too many candidates`);
}

/** The offer's DTLS role and fingerprint, one for every bundled section; our side takes the other role. */
export function dtlsOf(sdp: SessionDescription, sections: MediaDescription[]): types.DtlsParameters {
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

/**
 * The offer parsed, once its size and characters are checked: text with control characters, without
 * `v=0` first, or with no (or too many) m-sections is refused before or right after parsing.
 */
export function parseOffer(text: string): { sdp: SessionDescription; media: MediaDescription[] } {
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
  return { sdp, media };
}

/** Sections carried on the one transport must all be in one BUNDLE group. */
export function checkBundle(sdp: SessionDescription, accepted: MediaDescription[]): void {
  if (accepted.length <= 1) return;
  const bundle = (sdp.groups ?? []).find((g) => g.type === 'BUNDLE');
  const bundled = new Set(String(bundle?.mids ?? '').split(/\s+/));
  if (!accepted.every((m) => bundled.has(textOf(m.mid) ?? ''))) refuse('the audio and video sections must be in one BUNDLE group');
}

/** How the answer repeats a section it does not take: port 0 with the offer's type, protocol and first payload type. */
export function rejectedSection(mid: string, section: MediaDescription): RejectedSection {
  const first = String(section.payloads ?? '')
    .trim()
    .split(/\s+/)[0];
  return {
    mid,
    type: String(section.type).slice(0, 32),
    protocol: String(section.protocol).slice(0, 64),
    payloads: first && /^[A-Za-z0-9-]{1,32}$/.test(first) ? first : '0',
  };
}
