import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** What clients may do: origins, proxies, caps per address and participant, rate limits, tokens. */
export const CLIENT_SETTINGS = {
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
  allowedEmbedOrigins: {
    env: 'ALLOWED_EMBED_ORIGINS',
    kind: 'string',
    allowed: 'comma-separated http(s) origins (scheme://host[:port]), or empty',
    doc: 'partner sites whose pages may frame the player at /embed/:eventId/:stageId (CSP frame-ancestors)',
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
} satisfies Partial<Record<keyof Config, Setting>>;
