import 'reflect-metadata';
import { validateSync } from 'class-validator';
import { compileProxyTrust } from './proxyTrust';
import { weakSecretReason } from './weakSecrets';
import { Config } from './configSchema';
import { type Kind, SETTINGS, type Setting } from './configSettings';

export { Config, SETTINGS };

export const DEV_JWT_SECRET = 'stagecast-development-secret-not-for-production';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parse(kind: Kind, raw: string): unknown {
  if (kind === 'string') return raw;
  if (kind === 'bool') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

function refuse(setting: Setting, raw: string | undefined): never {
  const shown = setting.secret ? '(hidden)' : JSON.stringify(raw ?? '');
  throw new ConfigError(`invalid configuration: ${setting.env}=${shown} (allowed: ${setting.allowed})`);
}

/**
 * Anyone can mint tokens of any role with a secret that is published or guessable: production does not
 * start with one. One line, naming the variable, never the value.
 */
function refuseWeakSecret(secret: string): void {
  const reason = weakSecretReason(secret, [DEV_JWT_SECRET]);
  if (reason) {
    throw new ConfigError(
      `invalid configuration: JWT_SECRET=(hidden) is refused in production: ${reason}; generate one, e.g. openssl rand -base64 48`,
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = new Config();
  const target = config as unknown as Record<string, unknown>;
  const keys = Object.keys(SETTINGS) as (keyof Config)[];
  for (const key of keys) {
    const raw = env[SETTINGS[key].env];
    if (raw !== undefined && raw !== '') target[key] = parse(SETTINGS[key].kind, raw);
  }
  const [first] = validateSync(config, { forbidUnknownValues: true });
  if (first) {
    const key = first.property as keyof Config;
    refuse(SETTINGS[key], env[SETTINGS[key].env]);
  }
  if (config.rtcMinPort >= config.rtcMaxPort) refuse(SETTINGS.rtcMinPort, env.RTC_MIN_PORT ?? String(config.rtcMinPort));
  if (config.rtcMaxPort - config.rtcMinPort + 1 < config.mediasoupNumWorkers * 2) {
    refuse(SETTINGS.rtcMaxPort, env.RTC_MAX_PORT ?? String(config.rtcMaxPort));
  }
  if (config.clusterNodeTtlMs <= config.clusterHeartbeatMs)
    refuse(SETTINGS.clusterNodeTtlMs, env.CLUSTER_NODE_TTL_MS ?? String(config.clusterNodeTtlMs));
  if (config.tokenMaxTtlSeconds < config.tokenTtlSeconds)
    refuse(SETTINGS.tokenMaxTtlSeconds, env.TOKEN_MAX_TTL_SECONDS ?? String(config.tokenMaxTtlSeconds));
  if (config.webhookLeaseMs <= config.webhookTimeoutMs)
    refuse(SETTINGS.webhookLeaseMs, env.WEBHOOK_LEASE_MS ?? String(config.webhookLeaseMs));
  try {
    compileProxyTrust(config.trustProxy);
  } catch {
    refuse(SETTINGS.trustProxy, env.TRUST_PROXY);
  }
  if (config.nodeEnv === 'production' && !config.jwtSecret) refuse(SETTINGS.jwtSecret, env.JWT_SECRET);
  if (config.nodeEnv === 'production' && config.jwtSecret) refuseWeakSecret(config.jwtSecret);
  // Open metrics would show any scraper this node's audience and streams; production keeps them behind a token.
  if (config.nodeEnv === 'production' && !config.metricsToken) {
    throw new ConfigError(`invalid configuration: METRICS_TOKEN is required in production (allowed: ${SETTINGS.metricsToken.allowed})`);
  }
  return config;
}

/** The secret in force: the configured one, or the development one outside production. */
export function jwtSecretOf(config: Config): string {
  return config.jwtSecret ?? DEV_JWT_SECRET;
}

/** A loggable view of the config: secrets replaced, so it is safe at info level. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    out[key] = SETTINGS[key].secret && config[key] !== undefined ? '(set)' : config[key];
  }
  return out;
}
