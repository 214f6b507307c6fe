import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors';

/**
 * What WHIP and WHEP routes share: an SDP offer in, an SDP answer out, a session resource to DELETE,
 * CORS for browser clients of any origin (credentials travel in a header, never a cookie), and the
 * taxonomy's errors for what they do not take.
 */

/** Browser clients call from pages of any origin. */
export function cors(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Location, Accept-Patch, Link, ETag');
}

/** The bearer credential of the request; null without an Authorization header. */
export function bearerOf(req: Request, what: string): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError('unauthorized', `malformed Authorization header: expected "Bearer <${what}>"`);
  return match[1];
}

export function preflight(allowed: string): RequestHandler {
  return (_req, res) => {
    cors(res);
    res.setHeader('Access-Control-Allow-Methods', allowed);
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match');
    res.setHeader('Access-Control-Max-Age', '600');
    res.setHeader('Allow', allowed);
    if (allowed.startsWith('POST')) res.setHeader('Accept-Post', 'application/sdp');
    res.status(204).end();
  };
}

export function notAllowed(allowed: string, why: string): RequestHandler {
  return (_req, res, next) => {
    cors(res);
    res.setHeader('Allow', allowed);
    next(new AppError('method_not_allowed', why));
  };
}

/** An async handler whose rejection reaches express's error handler (the taxonomy's JSON answer). */
export function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    cors(res);
    fn(req, res).catch(next);
  };
}

/** Reads an `application/sdp` body of at most `limit` bytes (beyond: 413); other content types are refused. */
export function sdpBody(limit: number, what: string): (req: Request, res: Response) => Promise<string> {
  const read = express.text({ type: () => true, limit });
  return (req, res) => {
    if (req.is('application/sdp') !== 'application/sdp') throw new AppError('bad_request', `${what} must be Content-Type: application/sdp`);
    return new Promise((resolve, reject) =>
      read(req, res, (error?: unknown) =>
        // body-parser's errors carry the type the error handler maps (entity.too.large → 413).
        error
          ? reject(error instanceof Error ? error : new AppError('bad_request', 'the offer could not be read'))
          : resolve(typeof req.body === 'string' ? req.body : ''),
      ),
    );
  };
}

/** Answers 201 with the answer SDP and the session's resource in `Location`. */
export function sendAnswer(res: Response, location: string, answer: string): void {
  res.setHeader('Location', location);
  res.setHeader('Content-Type', 'application/sdp');
  res.status(201).send(answer);
}
