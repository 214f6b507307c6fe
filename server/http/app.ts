import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logger';
import { errorHandler, notFound } from './errors';
import { healthRoutes, type ReadinessProbe } from './health';

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: string;
  readiness: ReadinessProbe;
  /** Feature routers (API resources, UI pages), mounted in order before the 404 handler. */
  routers: Router[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const logger = options.logger.child({ module: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(express.json({ limit: options.bodyLimit }));
  app.use(healthRoutes(options.readiness));
  for (const router of options.routers) app.use(router);
  app.use('/api', notFound);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
