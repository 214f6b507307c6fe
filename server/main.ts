import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { Stagecast } from './Stagecast';

/** The process exits this long before DRAIN_GRACE_MS at the latest, whatever is still closing. */
const DEADLINE_MARGIN_MS = 500;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`stagecast: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const node = await Stagecast.start(config, logger);

  // SIGTERM or SIGINT: drain (no new joins, viewers told to reconnect), then close and exit 0, all
  // within DRAIN_GRACE_MS. A second signal closes at once.
  let draining = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (draining) {
      logger.warn({ signal }, 'second signal: closing now');
      node.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      return;
    }
    draining = true;
    logger.info({ signal, graceMs: config.drainGraceMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.drainGraceMs - DEADLINE_MARGIN_MS);
    deadline.unref();
    node.drain(config.drainGraceMs).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`stagecast: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
