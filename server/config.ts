import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { IsBoolean, IsIP, IsIn, IsInt, IsOptional, IsString, Matches, Max, MinLength, Min, validateSync } from 'class-validator';
import { compileProxyTrust } from './proxyTrust';
import { weakSecretReason } from './weakSecrets';

/**
 * Every setting of stagecast, read once from the environment at boot and validated with class-validator.
 * A bad value stops the process with one line naming the variable, the value and what is allowed.
 */
export class Config {
  @IsIn(['development', 'production', 'test']) nodeEnv = 'development' as 'development' | 'production' | 'test';
  @IsString() @MinLength(1) host = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) port = 3000;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) logLevel = 'info';
  @IsIn(['auto', 'pretty', 'json']) logFormat = 'auto' as 'auto' | 'pretty' | 'json';
  @IsString() @Matches(/^\d+(b|kb|mb)$/) httpBodyLimit = '64kb';
  @IsIn(['sqlite', 'redis']) store = 'sqlite' as 'sqlite' | 'redis';
  @IsString() @MinLength(1) sqlitePath = './data/stagecast.db';
  @IsString() @Matches(/^rediss?:\/\/\S+$/) redisUrl = 'redis://127.0.0.1:6379';
  @IsInt() @Min(100) @Max(60000) redisCommandTimeoutMs = 2000;
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/) nodeId = `${os
    .hostname()
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 40)}-${process.pid}-${randomBytes(2).toString('hex')}`;
  @IsOptional() @IsString() @Matches(/^https?:\/\/[^\s/]+$/) publicUrl?: string;
  @IsInt() @Min(200) @Max(60_000) clusterHeartbeatMs = 2000;
  @IsInt() @Min(1000) @Max(120_000) clusterNodeTtlMs = 6000;
  @IsInt() @Min(100) @Max(60_000) clusterRequestTimeoutMs = 3000;
  @IsInt() @Min(1) @Max(64) mediasoupNumWorkers = os.availableParallelism();
  @IsIn(['debug', 'warn', 'error', 'none']) mediasoupLogLevel = 'warn' as 'debug' | 'warn' | 'error' | 'none';
  @IsInt() @Min(1024) @Max(65535) rtcMinPort = 40000;
  @IsInt() @Min(1024) @Max(65535) rtcMaxPort = 49999;
  @IsIP(4) rtcListenIp = '0.0.0.0';
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9.:-]{1,253}$/) announcedIp?: string;
  @IsInt() @Min(1) @Max(5000) maxConsumersPerRouter = 500;
  @IsInt() @Min(0) @Max(600_000) reconnectGraceMs = 30_000;
  @IsInt() @Min(1024) @Max(10 * 1024 * 1024) socketMaxPayloadBytes = 65_536;
  @IsString() @Matches(/^$|^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/) allowedOrigins = '';
  // off, a hop count, or proxy addresses/CIDRs; the list's entries are checked by compiling it (loadConfig).
  @IsString() @Matches(/^(off|[1-9]\d?|(?!\d+$)[^,\s]+(,[^,\s]+)*)$/) trustProxy = 'off';
  // Generous: a hall or an office behind one NAT opens a connection per attendee.
  @IsInt() @Min(1) @Max(1_000_000) maxSocketsPerIp = 500;
  @IsInt() @Min(100) @Max(60_000) socketConnectTimeoutMs = 5000;
  @IsInt() @Min(1) @Max(1_000_000) socketRefusalLimit = 50;
  @IsInt() @Min(1000) @Max(600_000) socketRefusalWindowMs = 10_000;
  @IsInt() @Min(1) @Max(32) maxProducersPerPeer = 4;
  @IsInt() @Min(1) @Max(1000) maxConsumersPerPeer = 64;
  @IsInt() @Min(1) @Max(1000) maxStagesPerEvent = 20;
  @IsInt() @Min(1) @Max(1000) maxPeersPerParticipant = 4;
  @IsInt() @Min(1) @Max(1_000_000) maxPeersPerIp = 200;
  @IsInt() @Min(1) @Max(2000) maxTransportsPerParticipant = 8;
  @IsInt() @Min(1) @Max(2_000_000) maxTransportsPerIp = 400;
  @IsInt() @Min(0) @Max(1_000_000) maxParkedPeersPerIp = 100;
  @IsInt() @Min(2000) @Max(600_000) drainGraceMs = 5000;
  @IsInt() @Min(1) @Max(100_000) joinRateLimitPerMinute = 30;
  @IsInt() @Min(1) @Max(10_000) questionRateLimitPerMinute = 5;
  @IsInt() @Min(1) @Max(10_000) voteRateLimitPerMinute = 60;
  @IsInt() @Min(1) @Max(10_000) handRateLimitPerMinute = 5;
  @IsOptional() @IsString() @MinLength(32) jwtSecret?: string;
  @IsInt() @Min(60) @Max(7 * 24 * 3600) tokenTtlSeconds = 12 * 3600;
  @IsInt() @Min(60) @Max(30 * 24 * 3600) tokenMaxTtlSeconds = 7 * 24 * 3600;
  @IsBoolean() seedDemo = true;
  // 1 s rather than 2: with ALERT_SOURCE_SILENT_MS 3000 a silent hall feed is reported within 5 s.
  @IsInt() @Min(100) @Max(60_000) healthSampleIntervalMs = 1000;
  @IsInt() @Min(10_000) @Max(24 * 3600_000) healthHistoryMs = 600_000;
  @IsOptional() @IsString() @MinLength(16) metricsToken?: string;
  @IsInt() @Min(500) @Max(600_000) alertSourceSilentMs = 3000;
  @IsInt() @Min(1) @Max(100) alertLossPercent = 5;
  @IsInt() @Min(0) @Max(3600_000) alertLossForMs = 10_000;
  @IsInt() @Min(1) @Max(10) alertScoreBelow = 5;
  @IsInt() @Min(0) @Max(3600_000) alertScoreForMs = 10_000;
  @IsInt() @Min(1) @Max(100) alertWorkerCpuPercent = 85;
  @IsInt() @Min(0) @Max(3600_000) alertWorkerCpuForMs = 10_000;
  @IsInt() @Min(0) @Max(3600_000) alertNoViewersForMs = 15_000;
  @IsInt() @Min(0) @Max(3600_000) alertClearAfterMs = 4000;
}

type Kind = 'string' | 'int' | 'bool';

interface Setting {
  env: string;
  kind: Kind;
  allowed: string;
  doc: string;
  secret?: boolean;
}

/** Environment variable, parsing and documentation of each setting; the README table mirrors this. */
export const SETTINGS: { [K in keyof Config]-?: Setting } = {
  nodeEnv: {
    env: 'NODE_ENV',
    kind: 'string',
    allowed: 'development | production | test',
    doc: 'production requires JWT_SECRET and METRICS_TOKEN',
  },
  host: { env: 'HOST', kind: 'string', allowed: 'a host or IP to bind', doc: 'HTTP listen address' },
  port: { env: 'PORT', kind: 'int', allowed: 'an integer 0–65535 (0 = any free port)', doc: 'HTTP port' },
  logLevel: { env: 'LOG_LEVEL', kind: 'string', allowed: 'fatal | error | warn | info | debug | trace | silent', doc: 'log level' },
  logFormat: { env: 'LOG_FORMAT', kind: 'string', allowed: 'auto | pretty | json', doc: 'auto: pretty on a terminal, JSON otherwise' },
  httpBodyLimit: { env: 'HTTP_BODY_LIMIT', kind: 'string', allowed: 'a size such as 64kb or 1mb', doc: 'largest accepted request body' },
  store: { env: 'STORE', kind: 'string', allowed: 'sqlite | redis', doc: 'sqlite is embedded; redis shares state between nodes' },
  sqlitePath: { env: 'SQLITE_PATH', kind: 'string', allowed: 'a file path', doc: 'SQLite database file (WAL mode)' },
  redisUrl: {
    env: 'REDIS_URL',
    kind: 'string',
    allowed: 'a redis:// or rediss:// URL',
    doc: 'Redis server when STORE=redis',
    secret: true,
  },
  redisCommandTimeoutMs: {
    env: 'REDIS_COMMAND_TIMEOUT_MS',
    kind: 'int',
    allowed: 'an integer 100–60000',
    doc: 'a Redis command slower than this, or waiting this long for a connection, fails as unavailable',
  },
  nodeId: {
    env: 'NODE_ID',
    kind: 'string',
    allowed: 'letters, digits, _ . - (1–64)',
    doc: "this node's name in the cluster; default <hostname>-<pid>-<4 random hex>",
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    kind: 'string',
    allowed: 'an http(s) origin such as https://node1.example.org',
    doc: 'where browsers reach this node (join answers name it); default http://<ANNOUNCED_IP>:<PORT>',
  },
  clusterHeartbeatMs: {
    env: 'CLUSTER_HEARTBEAT_MS',
    kind: 'int',
    allowed: 'an integer 200–60000',
    doc: 'with STORE=redis: how often a node renews its registry record',
  },
  clusterNodeTtlMs: {
    env: 'CLUSTER_NODE_TTL_MS',
    kind: 'int',
    allowed: 'an integer 1000–120000, above CLUSTER_HEARTBEAT_MS',
    doc: "a node not heard of for this long is dropped (its stages' origins can be taken over)",
  },
  clusterRequestTimeoutMs: {
    env: 'CLUSTER_REQUEST_TIMEOUT_MS',
    kind: 'int',
    allowed: 'an integer 100–60000',
    doc: 'a request to another node (open a pipe, an ingest) fails as unavailable after this long',
  },
  mediasoupNumWorkers: {
    env: 'MEDIASOUP_NUM_WORKERS',
    kind: 'int',
    allowed: 'an integer 1–64',
    doc: 'mediasoup workers; default one per core',
  },
  mediasoupLogLevel: {
    env: 'MEDIASOUP_LOG_LEVEL',
    kind: 'string',
    allowed: 'debug | warn | error | none',
    doc: 'mediasoup worker log level',
  },
  rtcMinPort: {
    env: 'RTC_MIN_PORT',
    kind: 'int',
    allowed: 'an integer 1024–65535, below RTC_MAX_PORT',
    doc: 'first UDP/TCP port for media',
  },
  rtcMaxPort: {
    env: 'RTC_MAX_PORT',
    kind: 'int',
    allowed: 'an integer 1024–65535, above RTC_MIN_PORT',
    doc: 'last port for media; split evenly between workers',
  },
  rtcListenIp: { env: 'RTC_LISTEN_IP', kind: 'string', allowed: 'an IPv4 address', doc: 'IP the media sockets bind to' },
  announcedIp: {
    env: 'ANNOUNCED_IP',
    kind: 'string',
    allowed: 'an IP or host name',
    doc: 'address given to browsers and encoders; default: RTC_LISTEN_IP, or the first non-loopback IPv4 when that is 0.0.0.0',
  },
  maxConsumersPerRouter: {
    env: 'MAX_CONSUMERS_PER_ROUTER',
    kind: 'int',
    allowed: 'an integer 1–5000',
    doc: 'consumers per distribution router before the next opens',
  },
  reconnectGraceMs: {
    env: 'RECONNECT_GRACE_MS',
    kind: 'int',
    allowed: 'an integer 0–600000',
    doc: 'how long a dropped viewer keeps its media, waiting to resume',
  },
  socketMaxPayloadBytes: {
    env: 'SOCKET_MAX_PAYLOAD_BYTES',
    kind: 'int',
    allowed: 'an integer 1024–10485760',
    doc: 'largest Socket.IO message accepted',
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    kind: 'string',
    allowed: 'comma-separated http(s) origins, or empty',
    doc: 'browser origins allowed to connect besides the server itself',
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    kind: 'string',
    allowed: 'off, a hop count 1–99, or comma-separated proxy addresses or CIDRs (loopback, linklocal, uniquelocal)',
    doc: 'which proxies in front of the node are trusted to name the client in X-Forwarded-For (REST rate limits, socket caps); off: the TCP peer is the client',
  },
  maxSocketsPerIp: {
    env: 'MAX_SOCKETS_PER_IP',
    kind: 'int',
    allowed: 'an integer 1–1000000',
    doc: 'concurrent Socket.IO connections one client address may hold on a node; beyond, the handshake is refused with rate_limited',
  },
  socketConnectTimeoutMs: {
    env: 'SOCKET_CONNECT_TIMEOUT_MS',
    kind: 'int',
    allowed: 'an integer 100–60000',
    doc: 'a connection that has not completed its Socket.IO handshake (token) within this long is closed',
  },
  socketRefusalLimit: {
    env: 'SOCKET_REFUSAL_LIMIT',
    kind: 'int',
    allowed: 'an integer 1–1000000',
    doc: 'a connection whose requests are refused more often than this within SOCKET_REFUSAL_WINDOW_MS is closed, with everything it opened',
  },
  socketRefusalWindowMs: {
    env: 'SOCKET_REFUSAL_WINDOW_MS',
    kind: 'int',
    allowed: 'an integer 1000–600000',
    doc: 'the window SOCKET_REFUSAL_LIMIT counts refusals over',
  },
  maxProducersPerPeer: {
    env: 'MAX_PRODUCERS_PER_PEER',
    kind: 'int',
    allowed: 'an integer 1–32',
    doc: 'producers one joined connection may publish at once',
  },
  maxConsumersPerPeer: {
    env: 'MAX_CONSUMERS_PER_PEER',
    kind: 'int',
    allowed: 'an integer 1–1000',
    doc: 'consumers one joined connection may hold at once',
  },
  maxStagesPerEvent: { env: 'MAX_STAGES_PER_EVENT', kind: 'int', allowed: 'an integer 1–1000', doc: 'stages an event may have' },
  maxPeersPerParticipant: {
    env: 'MAX_PEERS_PER_PARTICIPANT',
    kind: 'int',
    allowed: 'an integer 1–1000',
    doc: 'stage connections (joined or parked) one participant (token subject) may hold on a node; a join beyond is refused with conflict',
  },
  maxPeersPerIp: {
    env: 'MAX_PEERS_PER_IP',
    kind: 'int',
    allowed: 'an integer 1–1000000',
    doc: 'stage connections (joined or parked) one client address may hold on a node (a hall or an office behind one NAT counts once)',
  },
  maxTransportsPerParticipant: {
    env: 'MAX_TRANSPORTS_PER_PARTICIPANT',
    kind: 'int',
    allowed: 'an integer 1–2000',
    doc: 'media transports one participant may hold on a node, over all its stage connections',
  },
  maxTransportsPerIp: {
    env: 'MAX_TRANSPORTS_PER_IP',
    kind: 'int',
    allowed: 'an integer 1–2000000',
    doc: 'media transports one client address may hold on a node',
  },
  maxParkedPeersPerIp: {
    env: 'MAX_PARKED_PEERS_PER_IP',
    kind: 'int',
    allowed: 'an integer 0–1000000',
    doc: 'dropped connections of one client address kept for a resume; a drop beyond is closed at once',
  },
  drainGraceMs: {
    env: 'DRAIN_GRACE_MS',
    kind: 'int',
    allowed: 'an integer 2000–600000',
    doc: 'on SIGTERM: refuse new joins, tell viewers to reconnect elsewhere, and exit within this long',
  },
  joinRateLimitPerMinute: {
    env: 'JOIN_RATE_LIMIT_PER_MINUTE',
    kind: 'int',
    allowed: 'an integer 1–100000',
    doc: 'anonymous joins per client IP per minute',
  },
  questionRateLimitPerMinute: {
    env: 'QUESTION_RATE_LIMIT_PER_MINUTE',
    kind: 'int',
    allowed: 'an integer 1–10000',
    doc: 'questions one participant may ask per minute',
  },
  voteRateLimitPerMinute: {
    env: 'VOTE_RATE_LIMIT_PER_MINUTE',
    kind: 'int',
    allowed: 'an integer 1–10000',
    doc: 'upvotes one participant may cast per minute',
  },
  handRateLimitPerMinute: {
    env: 'HAND_RATE_LIMIT_PER_MINUTE',
    kind: 'int',
    allowed: 'an integer 1–10000',
    doc: 'hands one participant may raise per minute',
  },
  jwtSecret: {
    env: 'JWT_SECRET',
    kind: 'string',
    allowed: 'at least 32 characters',
    doc: 'HS256 secret for access tokens; required in production',
    secret: true,
  },
  tokenTtlSeconds: { env: 'TOKEN_TTL_SECONDS', kind: 'int', allowed: 'an integer 60–604800', doc: 'lifetime of issued access tokens' },
  tokenMaxTtlSeconds: {
    env: 'TOKEN_MAX_TTL_SECONDS',
    kind: 'int',
    allowed: 'an integer 60–2592000, at least TOKEN_TTL_SECONDS',
    doc: 'longest lifetime a token may have (exp − iat): a token beyond it, or without exp, is refused; npm run token refuses a longer --ttl',
  },
  seedDemo: { env: 'SEED_DEMO', kind: 'bool', allowed: 'true | false', doc: 'seed the demo event when the store is empty' },
  healthSampleIntervalMs: {
    env: 'HEALTH_SAMPLE_INTERVAL_MS',
    kind: 'int',
    allowed: 'an integer 100–60000',
    doc: 'time between two stream-health samples',
  },
  healthHistoryMs: {
    env: 'HEALTH_HISTORY_MS',
    kind: 'int',
    allowed: 'an integer 10000–86400000',
    doc: 'how much sample history is kept in memory for charts',
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    kind: 'string',
    allowed: 'at least 16 characters; required in production',
    doc: 'when set, GET /metrics requires Authorization: Bearer <token>; unset (outside production), private events are not named in its labels',
    secret: true,
  },
  alertSourceSilentMs: {
    env: 'ALERT_SOURCE_SILENT_MS',
    kind: 'int',
    allowed: 'an integer 500–600000',
    doc: 'an on-site feed silent this long raises source_down',
  },
  alertLossPercent: {
    env: 'ALERT_LOSS_PERCENT',
    kind: 'int',
    allowed: 'an integer 1–100',
    doc: 'packet loss of a source above this percent counts as high',
  },
  alertLossForMs: {
    env: 'ALERT_LOSS_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'high loss lasting this long raises high_loss',
  },
  alertScoreBelow: {
    env: 'ALERT_SCORE_BELOW',
    kind: 'int',
    allowed: 'an integer 1–10',
    doc: 'a receiving source scoring below this (mediasoup 0–10) counts as low',
  },
  alertScoreForMs: {
    env: 'ALERT_SCORE_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a low score lasting this long raises low_score',
  },
  alertWorkerCpuPercent: {
    env: 'ALERT_WORKER_CPU_PERCENT',
    kind: 'int',
    allowed: 'an integer 1–100',
    doc: 'worker CPU above this percent of a core counts as high',
  },
  alertWorkerCpuForMs: {
    env: 'ALERT_WORKER_CPU_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'high worker CPU lasting this long raises worker_cpu',
  },
  alertNoViewersForMs: {
    env: 'ALERT_NO_VIEWERS_FOR_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a stage with a live session and no viewer receiving for this long raises no_viewers_receiving',
  },
  alertClearAfterMs: {
    env: 'ALERT_CLEAR_AFTER_MS',
    kind: 'int',
    allowed: 'an integer 0–3600000',
    doc: 'a condition must stay fine this long before its alert clears (no flapping)',
  },
};

/** Used only outside production, with a warning at boot, so `npm start` works out of the box. */
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
