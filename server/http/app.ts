import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logger';
import { errorHandler, notFound } from './errors';
import { healthRoutes, type ReadinessProbe } from './health';

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: string;
  readiness: ReadinessProbe;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const logger = options.logger.child({ module: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(express.json({ limit: options.bodyLimit }));
  app.use(healthRoutes(options.readiness));
  app.use('/api', notFound);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
