import jwt from 'jsonwebtoken';
import { AppError } from '../errors';
import { signingKey } from './tokens';

const AUDIENCE = 'stagecast-playback';
const ISSUER = 'stagecast';

/**
 * Tokens for HLS players, which fetch playlists and segments by URL and cannot send headers: a
 * token rides in the query and opens the streams of one event until it expires. Its own audience, so
 * an access token is never accepted in a URL (where logs and CDNs would keep it) and a playback
 * token opens nothing else.
 */
export interface PlaybackTokens {
  sign(eventId: string, expiresAtMs: number): string;
  /** The event the token opens; `unauthorized` when it is invalid or expired. */
  verify(token: string): string;
}

export function createPlaybackTokens(secret: string): PlaybackTokens {
  const key = signingKey(secret);
  return {
    sign(eventId, expiresAtMs) {
      return jwt.sign({ event: eventId, exp: Math.floor(expiresAtMs / 1000) }, key, {
        algorithm: 'HS256',
        audience: AUDIENCE,
        issuer: ISSUER,
      });
    },
    verify(token) {
      let payload: unknown;
      try {
        payload = jwt.verify(token, key, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
      } catch (error) {
        throw new AppError('unauthorized', error instanceof jwt.TokenExpiredError ? 'playback token expired' : 'invalid playback token');
      }
      const event = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).event : undefined;
      const exp = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).exp : undefined;
      if (typeof event !== 'string' || typeof exp !== 'number') throw new AppError('unauthorized', 'invalid playback token');
      return event;
    },
  };
}

/** Longest a playback URL handed out stays valid: a day's programme. */
const PLAYBACK_TTL_MS = 12 * 3600_000;

/**
 * The query that opens an event's streams and replays to one caller: none for a public event; for a
 * private one a playback token that lives as long as the caller's own token (at most 12 h); null for a
 * caller without a token of a private event.
 */
export function playbackQuery(
  playback: PlaybackTokens,
  event: { id: string; isPublic: boolean },
  caller: { expiresAtMs: number } | null,
): string | null {
  if (event.isPublic) return '';
  if (!caller) return null;
  const expiresAtMs = Math.min(caller.expiresAtMs, Date.now() + PLAYBACK_TTL_MS);
  return `?token=${encodeURIComponent(playback.sign(event.id, expiresAtMs))}`;
}

/** A stage's master playlist URL for one caller (see playbackQuery); null when the caller may not play it. */
export function playlistUrl(
  playback: PlaybackTokens,
  stage: { eventId: string; stageId: string; isPublic: boolean },
  caller: { expiresAtMs: number } | null,
): string | null {
  const query = playbackQuery(playback, { id: stage.eventId, isPublic: stage.isPublic }, caller);
  return query === null ? null : `/hls/${stage.eventId}/${stage.stageId}/master.m3u8${query}`;
}
