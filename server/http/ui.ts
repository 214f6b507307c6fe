import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { AppError } from '../errors';

/** The project root: the nearest folder above this file with a package.json (works from src and dist). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export const UI_DIR = path.join(projectRoot(), 'dist', 'admin-ui');

/**
 * Pages of the browser app (built by Vite into dist/admin-ui) and their assets under /ui.
 * `embedOrigins`: the partner sites whose pages may frame the embeddable player (besides this one).
 */
export function uiRoutes(uiDir: string = UI_DIR, embedOrigins: readonly string[] = []): Router {
  const router = Router();
  router.use('/ui', express.static(uiDir, { index: false, fallthrough: true, maxAge: '1h' }));
  const page =
    (file: string): express.RequestHandler =>
    (_req, res, next) => {
      const full = path.join(uiDir, file);
      if (!fs.existsSync(full)) {
        next(new AppError('unavailable', 'the browser app is not built: run npm run build'));
        return;
      }
      res.sendFile(full);
    };
  router.get('/watch/:eventId/:stageId', page('watch.html'));
  // The player partner platforms frame: only the origins ALLOWED_EMBED_ORIGINS names may (every other page keeps 'self').
  const ancestors = ["'self'", ...embedOrigins].join(' ');
  router.get(
    '/embed/:eventId/:stageId',
    (_req, res, next) => {
      const policy = String(res.getHeader('Content-Security-Policy') ?? '');
      res.setHeader('Content-Security-Policy', policy.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`));
      // CSP frame-ancestors decides; the older header would forbid every other origin outright.
      res.removeHeader('X-Frame-Options');
      next();
    },
    page('embed.html'),
  );
  router.get('/speak/:eventId/:stageId', page('speak.html'));
  router.get('/interpret/:eventId/:stageId', page('interpret.html'));
  // An online meeting of the desk: its two organisations' delegates, cameras and microphones both ways.
  router.get('/meet/:eventId/:meetingId', page('meet.html'));
  // A delegate's desk: their meetings and suggestions; the invite link (`…/invite#<code>`) accepts the invite first.
  router.get('/desk/:eventId', page('desk.html'));
  router.get('/desk/:eventId/invite', page('desk.html'));
  // The console for hosts, moderators, ops and admins; its views live in the address's #fragment.
  router.get('/admin', page('admin.html'));
  // The front page: public events and their stages, links to watch them and to the console.
  router.get('/', page('home.html'));
  return router;
}
