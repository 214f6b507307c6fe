import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** The process, HTTP, store and cluster. */
export const CORE_SETTINGS = {
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
} satisfies Partial<Record<keyof Config, Setting>>;
