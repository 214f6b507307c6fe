import { isUtf8 } from 'node:buffer';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ProxyTrust } from '../proxyTrust';
import { errorHandler, notFound } from './errors';
import { healthRoutes, type ReadinessProbe } from './health';

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: string;
  readiness: ReadinessProbe;
  /** Feature routers (API resources, UI pages), mounted in order before the 404 handler. */
  routers: Router[];
  /** Other nodes' origins, which pages served here may open their signaling connection to. */
  peerOrigins?: () => string[];
  /**
   * Browsers reach this node over https (its public URL): pages are then told to keep to https
   * (Strict-Transport-Security, CSP upgrade-insecure-requests). Default false: over plain HTTP, on a
   * hall's LAN say, those two would send every asset and socket of a page to an https that is not there.
   */
  https?: boolean;
  /** Which proxies may name the client in X-Forwarded-For (`req.ip`, the rate limits' key); default none. */
  trustProxy?: ProxyTrust;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const logger = options.logger.child({ module: 'http' });
  const app = express();
  app.disable('x-powered-by');
  // A function, not express's own forms: the Socket.IO handshake applies the very same one.
  app.set('trust proxy', options.trustProxy ?? (() => false));
  const peers = options.peerOrigins ?? (() => []);
  // A page may open its WebSocket to another node: Chromium does not let an http: source cover ws:.
  const peerSources = (): string =>
    peers()
      .flatMap((origin) => [origin, origin.replace(/^http/, 'ws')])
      .join(' ') || "'self'";
  const https = options.https ?? false;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          connectSrc: ["'self'", peerSources],
          // The HLS player feeds the video element through Media Source Extensions (blob: URLs) and demuxes in a blob worker.
          mediaSrc: ["'self'", 'blob:'],
          workerSrc: ["'self'", 'blob:'],
          ...(https ? {} : { upgradeInsecureRequests: null }),
        },
      },
      strictTransportSecurity: https,
    }),
  );
  app.use('/api', allowPeerPages(peers));
  app.use(express.json({ limit: options.bodyLimit, verify: refuseInvalidUtf8 }));
  app.use(healthRoutes(options.readiness));
  for (const router of options.routers) app.use(router);
  app.use('/api', notFound);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/**
 * Pages served by another node of the cluster call this node's API (placement, join) when theirs is
 * gone. Requests carry their token in a header, never a cookie, so answering them exposes nothing.
 */
function allowPeerPages(peers: () => string[]): express.RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || !peers().includes(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.vary('Origin');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/** A JSON body must be UTF-8: invalid bytes are refused, not turned into U+FFFD and stored. */
function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) throw new AppError('bad_request', 'request body is not valid UTF-8');
}

/**
 * Requests Node's HTTP parser refuses before express sees them (headers over the size limit, a
 * request line that is not HTTP) are answered with the same JSON error body as every other refusal.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'payload_too_large', 'request headers too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', 'bad_request', 'request timed out']
          : ['400 Bad Request', 'bad_request', 'malformed HTTP request'];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
