import type { PlaybackTokens } from '../auth/playbackTokens';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { SLUG } from '../validation';

/** How long the public/private flag of an event is trusted: playlists are fetched every segment by every player. */
const EVENT_CACHE_MS = 5000;

export interface Admitted {
  /** The query to append to URIs in playlists ('' for public events). */
  query: string;
  isPublic: boolean;
}

/**
 * Who may fetch an event's streams and replays: anyone for a public event; for a private one, a
 * playback token in the query (players cannot send headers). An unknown event is refused like a
 * private one, so the answer does not tell which ids exist.
 */
export class HlsAccess {
  readonly #visibility = new Map<string, { isPublic: boolean | null; at: number }>();

  constructor(
    private readonly events: Pick<EventDirectory, 'event'>,
    private readonly playback: PlaybackTokens,
  ) {}

  async admit(eventId: string, token: string | undefined): Promise<Admitted> {
    if (!SLUG.test(eventId)) throw new AppError('not_found', 'no such stream');
    const open = await this.#isPublic(eventId);
    if (open === true) return { query: '', isPublic: true };
    if (!token) throw new AppError('unauthorized', 'a playback token is needed for this stream');
    if (this.playback.verify(token) !== eventId || open === null)
      throw new AppError('unauthorized', 'the playback token is not for this stream');
    return { query: `?token=${encodeURIComponent(token)}`, isPublic: false };
  }

  async #isPublic(eventId: string): Promise<boolean | null> {
    const cached = this.#visibility.get(eventId);
    if (cached && Date.now() - cached.at < EVENT_CACHE_MS) return cached.isPublic;
    const event = await this.events.event(eventId);
    const entry = { isPublic: event ? event.isPublic : null, at: Date.now() };
    if (this.#visibility.size > 10_000) this.#visibility.clear();
    this.#visibility.set(eventId, entry);
    return entry.isPublic;
  }
}

/** The headers every stream and replay answer carries: CORS for partner sites' players, and what a CDN may keep. */
export function cacheHeaders(isPublic: boolean, maxAgeS: number, extra = ''): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': `${isPublic ? 'public' : 'private'}, max-age=${maxAgeS}${extra}`,
  };
}
