import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'pretty' | 'json';
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read the output. */
  destination?: NodeJS.WritableStream;
}

/**
 * Paths whose values never reach a log line, wherever a module puts them.
 * Tokens and secrets are also kept out of log calls by design; this is the net under that.
 */
const REDACT = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'jwtSecret',
  '*.jwtSecret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

/** The root logger; modules take `root.child({ module: 'Name', …context })`. */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (usePretty) {
    return pino(base, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
