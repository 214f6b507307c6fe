import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, toErrorAnswer } from '../errors';
import type { Logger } from '../logger';
import { stageKey } from '../stageKey';
import { SLUG } from '../validation';
import { cacheHeaders, type HlsAccess } from './hlsAccess';
import { SegmentCache, sendWithRanges } from './segmentCache';

/** What serving needs of a stage's HLS stream (media/egress/StageHls). */
export interface HlsStreamView {
  masterPlaylist(query?: string): string;
  variantPlaylist(rendition: string, query?: string): string | undefined;
  segmentFile(rendition: string, sequence: number): string | undefined;
}

export interface HlsServingDeps {
  stream(stageKey: string): HlsStreamView | undefined;
  access: HlsAccess;
  segmentSeconds: number;
  /** In a cluster: the URL of the stage's origin, which runs its stream (null when none does). */
  stageOrigin?: (stageKey: string) => Promise<string | null>;
  logger: Logger;
}

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** A ladder rung (`720p`, as HLS_LADDER names it) or an audio rendition (`audio-floor`, `audio-<language tag in lower case>`). */
const RENDITION = /^(?:[a-z0-9]{1,16}|audio-[a-z0-9-]{2,24})$/;
const SEGMENT = /^(\d{1,15})\.ts$/;
const SEGMENT_CACHE_BYTES = 64 * 1024 * 1024;
const IMMUTABLE_S = 31_536_000;

/** `/hls/:eventId/:stageId/master.m3u8`, `…/:rendition/index.m3u8`, `…/:rendition/:segment`. */
const HLS_PATH = /^\/hls\/([^/]+)\/([^/]+)\/(?:(master\.m3u8)|([^/]+)\/([^/]+))$/;

type HlsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Serves live HLS (playlists and recent segments from memory) straight from Node's HTTP server, ahead
 * of express: every player asks for a playlist and a segment per segment, so at a large audience these
 * requests are most of a node's HTTP work, and they need none of what the app's middleware does for
 * pages and the API (security headers for documents, body parsing, routing among the API's routes).
 * What a CDN in front needs is here: playlists cached for under half a segment, segments immutable,
 * ranges, CORS, and in a cluster a redirect to the stage's origin (the request's own path and token),
 * so the bytes go out once from where they are written. Answers `false` for anything it does not serve.
 */
export function createHlsServing(deps: HlsServingDeps): HlsHandler {
  const logger = deps.logger.child({ module: 'HlsServing' });
  // Some two minutes of the default ladder for one stage; players only ask for the newest few segments.
  const segments = new SegmentCache(SEGMENT_CACHE_BYTES);
  // A playlist changes every segment: cached for less than half of one.
  const playlistMaxAge = Math.max(0, Math.floor(deps.segmentSeconds / 2));

  const answer = (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: string | Buffer): void => {
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(body);
  };

  const fail = (res: ServerResponse, error: unknown, path: string): void => {
    const { body, status, unexpected } = toErrorAnswer(error);
    if (unexpected) logger.error({ err: error, path }, 'unhandled error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const json = JSON.stringify({ error: body });
    answer(res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) }, json);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const match = HLS_PATH.exec(path);
    if (!match) throw new AppError('not_found', `no route ${req.method ?? ''} ${path}`);
    const [eventId, stageId, master, rendition, file] = match
      .slice(1)
      .map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
    const token = query === '' ? undefined : (new URLSearchParams(query).get('token') ?? undefined);
    const admitted = await deps.access.admit(eventId ?? '', token);

    const key = stageId !== undefined && SLUG.test(stageId) ? stageKey(eventId ?? '', stageId) : undefined;
    const stream = key === undefined ? undefined : deps.stream(key);
    if (!stream) {
      const origin = key === undefined ? null : await deps.stageOrigin?.(key);
      if (!origin) throw new AppError('not_found', 'this stage is not streaming');
      // Not cached: an origin can move.
      answer(res, 307, { Location: `${origin}${req.url ?? ''}`, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' });
      return;
    }
    const head = req.method === 'HEAD';
    if (master !== undefined || file === 'index.m3u8') {
      const body =
        master !== undefined
          ? stream.masterPlaylist(admitted.query)
          : RENDITION.test(rendition ?? '')
            ? stream.variantPlaylist(rendition ?? '', admitted.query)
            : undefined;
      if (body === undefined) throw new AppError('not_found', 'no such rendition, or no segment yet');
      const headers = {
        ...cacheHeaders(admitted.isPublic, playlistMaxAge),
        'Content-Type': PLAYLIST_TYPE,
        'Content-Length': Buffer.byteLength(body),
      };
      answer(res, 200, headers, head ? undefined : body);
      return;
    }
    const sequence = SEGMENT.exec(file ?? '')?.[1];
    const segment =
      sequence !== undefined && RENDITION.test(rendition ?? '') ? stream.segmentFile(rendition ?? '', Number(sequence)) : undefined;
    if (segment === undefined) throw new AppError('not_found', 'no such segment');
    const body = await segments.get(segment).catch((error: unknown) => {
      // Dropped from the window between the check and the read.
      throw new AppError('not_found', 'no such segment', { cause: error });
    });
    for (const [name, value] of Object.entries(cacheHeaders(admitted.isPublic, IMMUTABLE_S, ', immutable'))) res.setHeader(name, value);
    res.setHeader('Content-Type', 'video/mp2t');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    sendWithRanges(req, res, body, head);
  }

  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith('/hls/')) return false;
    if (req.method === 'OPTIONS') {
      answer(res, 204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, HEAD',
        'Access-Control-Allow-Headers': 'range',
        'Access-Control-Max-Age': '600',
      });
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const query = mark < 0 ? '' : url.slice(mark + 1);
    serve(req, res, path, query).catch((error: unknown) =>
      fail(
        res,
        error instanceof URIError ? new AppError('bad_request', 'the request path is not valid percent-encoded UTF-8') : error,
        path,
      ),
    );
    return true;
  };
}
