import type { Config } from './configSchema';

export type Kind = 'string' | 'int' | 'bool';

export interface Setting {
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
  questionRateLimitPerNetworkPerMinute: {
    env: 'QUESTION_RATE_LIMIT_PER_NETWORK_PER_MINUTE',
    kind: 'int',
    allowed: 'an integer 1–100000',
    doc: 'questions anonymous participants of one network (IPv4 address, IPv6 /64) may ask per minute together',
  },
  openHandsPerNetwork: {
    env: 'OPEN_HANDS_PER_NETWORK',
    kind: 'int',
    allowed: 'an integer 1–10000',
    doc: 'hands anonymous participants of one network may hold raised in one session together',
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
  hlsAutostart: {
    env: 'HLS_AUTOSTART',
    kind: 'bool',
    allowed: 'true | false',
    doc: "start a stage's HLS stream when it gets its first video source (false: only by API, startStageHls)",
  },
  hlsDir: { env: 'HLS_DIR', kind: 'string', allowed: 'a directory path', doc: 'where HLS segments are written (one directory per stage)' },
  hlsSegmentSeconds: {
    env: 'HLS_SEGMENT_SECONDS',
    kind: 'int',
    allowed: 'an integer 1–10',
    doc: 'length of an HLS segment; each starts with a key frame',
  },
  hlsWindowSegments: {
    env: 'HLS_WINDOW_SEGMENTS',
    kind: 'int',
    allowed: 'an integer 3–60',
    doc: 'segments each HLS playlist lists (the sliding window)',
  },
  hlsIdleStopMs: {
    env: 'HLS_IDLE_STOP_MS',
    kind: 'int',
    allowed: 'an integer 0–86400000',
    doc: "a stage's HLS stream stops after this long without a video source",
  },
  hlsLadder: {
    env: 'HLS_LADDER',
    kind: 'string',
    allowed: 'name:WIDTHxHEIGHT:kbps, comma-separated (1–6 renditions, even sizes)',
    doc: 'the HLS renditions (H.264 video bitrate per rendition)',
  },
  hlsAudioKbps: { env: 'HLS_AUDIO_KBPS', kind: 'int', allowed: 'an integer 32–320', doc: 'AAC bitrate of every HLS rendition' },
};

/** Used only outside production, with a warning at boot, so `npm start` works out of the box. */
