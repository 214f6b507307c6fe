import { type Request, type Response, Router } from 'express';
import type { PlaybackTokens } from '../auth/playbackTokens';
import type { EventDirectory } from '../conference/EventDirectory';
import { AppError } from '../errors';
import { stageKey } from '../stageKey';
import { SLUG } from '../validation';
import { SegmentCache, sendWithRanges } from './segmentCache';

/** What serving needs of a stage's HLS stream (media/egress/StageHls). */
export interface HlsStreamView {
  masterPlaylist(query?: string): string;
  variantPlaylist(rendition: string, query?: string): string | undefined;
  segmentFile(rendition: string, sequence: number): string | undefined;
}

export interface HlsServingDeps {
  stream(stageKey: string): HlsStreamView | undefined;
  events: Pick<EventDirectory, 'event'>;
  playback: PlaybackTokens;
  segmentSeconds: number;
  /** A session's recording, once ready. */
  replayFile(eventId: string, sessionId: string): string | undefined;
  /** In a cluster: the URL of the node that has what this one does not (null when none does). */
  elsewhere?: {
    /** The stage's origin, which runs its stream. */
    stageOrigin(stageKey: string): Promise<string | null>;
    /** The node that recorded the session and keeps its file. */
    replayNode(eventId: string, sessionId: string): Promise<string | null>;
  };
}

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** How long the public/private flag of an event is trusted: playlists are fetched every segment by every player. */
const EVENT_CACHE_MS = 5000;
/** A ladder rung (`720p`, as HLS_LADDER names it) or an audio rendition (`audio-floor`, `audio-<language tag in lower case>`). */
const RENDITION = /^(?:[a-z0-9]{1,16}|audio-[a-z0-9-]{2,24})$/;
const SEGMENT = /^(\d{1,15})\.ts$/;
const SEGMENT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Serves HLS and replays: playlists and recent segments from memory, replays from disk, with what a CDN in front needs (playlists
 * cached for under a segment, segments immutable, ranges, CORS for players on partner sites). A
 * public event's streams are open; a private one's need a playback token in the query (players
 * cannot send headers), which the playlists then carry on every URI. An unknown event is refused like
 * a private one, so the answer does not tell which ids exist. Nothing here touches the SFU.
 *
 * In a cluster a stream exists only on its stage's origin and a replay only on the node that recorded
 * it; other nodes redirect there (after admission, with the request's own path and token). Nodes are
 * reachable by browsers already (signaling connects to them), so the bytes go out once from where they
 * are written instead of through a second node, and a CDN in front follows the redirect to one origin.
 */
export function hlsRoutes(deps: HlsServingDeps): Router {
  const router = Router();
  const visibility = new Map<string, { isPublic: boolean | null; at: number }>();
  // Some two minutes of the default ladder for one stage; players only ask for the newest few segments.
  const segments = new SegmentCache(SEGMENT_CACHE_BYTES);

  async function isPublic(eventId: string): Promise<boolean | null> {
    const cached = visibility.get(eventId);
    if (cached && Date.now() - cached.at < EVENT_CACHE_MS) return cached.isPublic;
    const event = await deps.events.event(eventId);
    const entry = { isPublic: event ? event.isPublic : null, at: Date.now() };
    if (visibility.size > 10_000) visibility.clear();
    visibility.set(eventId, entry);
    return entry.isPublic;
  }

  /** Admits the request; answers the query to append to URIs in playlists ('' for public events). */
  async function admit(req: Request, eventId: string): Promise<{ query: string; isPublic: boolean }> {
    if (!SLUG.test(eventId)) throw new AppError('not_found', 'no such stream');
    const open = await isPublic(eventId);
    if (open === true) return { query: '', isPublic: true };
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (!token) throw new AppError('unauthorized', 'a playback token is needed for this stream');
    if (deps.playback.verify(token) !== eventId || open === null)
      throw new AppError('unauthorized', 'the playback token is not for this stream');
    return { query: `?token=${encodeURIComponent(token)}`, isPublic: false };
  }

  /** Sends the request to the node that has what it asks for (not cached: an origin can move). */
  function redirect(req: Request, res: Response, nodeUrl: string): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-cache');
    res.redirect(307, `${nodeUrl}${req.originalUrl}`);
  }

  /** The stage's stream on this node, or undefined once the request was redirected to its origin. */
  async function streamOf(req: Request, res: Response): Promise<HlsStreamView | undefined> {
    const { eventId, stageId } = req.params as Record<string, string>;
    const key = SLUG.test(stageId) ? stageKey(eventId, stageId) : undefined;
    const stream = key && deps.stream(key);
    if (stream) return stream;
    const origin = key && (await deps.elsewhere?.stageOrigin(key));
    if (!origin) throw new AppError('not_found', 'this stage is not streaming');
    redirect(req, res, origin);
    return undefined;
  }

  const common = (res: Response, isPublic: boolean, maxAgeS: number, extra = ''): void => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', `${isPublic ? 'public' : 'private'}, max-age=${maxAgeS}${extra}`);
  };
  // A playlist changes every segment: cached for less than half of one.
  const playlistMaxAge = Math.max(0, Math.floor(deps.segmentSeconds / 2));

  router.get('/hls/:eventId/:stageId/master.m3u8', async (req, res) => {
    const { query, isPublic: open } = await admit(req, req.params.eventId);
    const stream = await streamOf(req, res);
    if (!stream) return;
    const body = stream.masterPlaylist(query);
    common(res, open, playlistMaxAge);
    res.type(PLAYLIST_TYPE).send(body);
  });

  router.get('/hls/:eventId/:stageId/:rendition/index.m3u8', async (req, res) => {
    const { query, isPublic: open } = await admit(req, req.params.eventId);
    const stream = await streamOf(req, res);
    if (!stream) return;
    const body = RENDITION.test(req.params.rendition) ? stream.variantPlaylist(req.params.rendition, query) : undefined;
    if (body === undefined) throw new AppError('not_found', 'no such rendition, or no segment yet');
    common(res, open, playlistMaxAge);
    res.type(PLAYLIST_TYPE).send(body);
  });

  router.get('/hls/:eventId/:stageId/:rendition/:segment', async (req, res) => {
    const { isPublic: open } = await admit(req, req.params.eventId);
    const stream = await streamOf(req, res);
    if (!stream) return;
    const sequence = SEGMENT.exec(req.params.segment)?.[1];
    const file =
      sequence !== undefined && RENDITION.test(req.params.rendition)
        ? stream.segmentFile(req.params.rendition, Number(sequence))
        : undefined;
    if (file === undefined) throw new AppError('not_found', 'no such segment');
    const body = await segments.get(file).catch((error: unknown) => {
      // Dropped from the window between the check and the read.
      throw new AppError('not_found', 'no such segment', { cause: error });
    });
    common(res, open, 31_536_000, ', immutable');
    res.type('video/mp2t');
    sendWithRanges(req, res, body);
  });

  // A session's replay: the MP4 itself, with ranges (players seek), open like the event's streams.
  router.get('/replay/:eventId/:sessionId', async (req, res) => {
    const { isPublic: open } = await admit(req, req.params.eventId);
    const { eventId, sessionId } = req.params;
    const known = /^[0-9a-f-]{36}$/.test(sessionId);
    const file = known ? deps.replayFile(eventId, sessionId) : undefined;
    if (file === undefined) {
      const holder = known ? await deps.elsewhere?.replayNode(eventId, sessionId) : null;
      if (!holder) throw new AppError('not_found', 'no replay of this session (yet), or the node keeping it is not running');
      redirect(req, res, holder);
      return;
    }
    common(res, open, 3600);
    res.type('video/mp4');
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file, { cacheControl: false }, (error) => (error ? reject(error) : resolve())),
    );
  });

  router.options(['/hls/*splat', '/replay/*splat'], (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
    res.setHeader('Access-Control-Allow-Headers', 'range');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  return router;
}
