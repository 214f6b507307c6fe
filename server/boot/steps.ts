import type { IngestGateways } from './mediaSteps';
import type { ConferenceParts } from './parts';
/**
 * The steps of the composition root, in the order a node starts: each takes what the earlier ones
 * built and returns what it builds. `Stagecast.start` runs them; on failure it closes what was opened.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { Router } from 'express';
import type { AddressInfo } from 'node:net';
import type { HlsEgress } from '../../media/egress/HlsEgress';
import { freeBytes } from '../../media/egress/recordingFiles';
import { MAX_OFFER_BYTES } from '../../media/sdp/offerChecks';
import type { MediaNode } from '../../media/MediaNode';
import type { WorkerPool } from '../../media/WorkerPool';
import { SignalingServer } from '../../signaling/SignalingServer';
import type { Admission } from '../Admission';
import { type Authenticate, bearerAuthenticator } from '../auth/bearer';
import { createPlaybackTokens, playlistUrl } from '../auth/playbackTokens';
import { createTokenSigner, type TokenSigner } from '../auth/tokens';
import { Cluster } from '../cluster/Cluster';
import type { NodeInfo } from '../cluster/NodeRegistry';
import { type Config, jwtSecretOf } from '../config';
import { Conference } from '../conference/Conference';
import type { EventDirectory } from '../conference/EventDirectory';
import { seedDemoIfEmpty } from '../conference/demoSeed';
import { revokeSpeakingWhenHandLowered } from '../conference/HandsService';
import { ApiRegistry } from '../http/api';
import { answerClientErrors, createHttpApp } from '../http/app';
import { replayRoutes } from '../http/hls';
import { HlsAccess } from '../http/hlsAccess';
import { createHlsServing } from '../http/hlsServing';
import type { ReadinessProbe } from '../http/health';
import { metricsRoutes } from '../http/metrics';
import { buildOpenApi } from '../http/openapi';
import { Desk } from '../desk/Desk';
import { registerAgendaRoutes } from '../http/routes/agenda';
import { agendaDeskHooks, registerDeskPartyRoutes } from '../http/routes/deskParties';
import { registerDeskMeetingRoutes } from '../http/routes/deskMeetings';
import { registerLiveRoutes } from '../http/routes/live';
import { registerHlsRoutes } from '../http/routes/hls';
import { registerRecordingRoutes } from '../http/routes/recordings';
import { registerMediaRoutes } from '../http/routes/media';
import { registerNodeRoutes } from '../http/routes/nodes';
import { registerOpsRoutes } from '../http/routes/ops';
import { registerPublicEventRoutes } from '../http/routes/publicEvents';
import { registerStreamKeyRoutes } from '../http/routes/streamKeys';
import { registerTokenRoutes } from '../http/routes/tokens';
import { registerApiKeyRoutes } from '../http/routes/apiKeys';
import { registerWebhookRoutes } from '../http/routes/webhooks';
import type { Webhooks } from '../webhooks/Webhooks';
import { whipRoutes } from '../http/whip';
import { uiRoutes } from '../http/ui';
import type { Logger } from '../logger';
import { compileProxyTrust } from '../proxyTrust';
import { NodeOps } from '../ops/NodeOps';
import { recordingFile } from '../recordings/SessionRecorder';
import { createStore, type Store } from '../store';
import { mediaPorts, placementPort } from './mediaPorts';

/** The store, reachable, with the demo event seeded when it is empty and the config asks for it. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  const store = createStore(config);
  try {
    await store.ping();
    if (config.seedDemo && (await seedDemoIfEmpty(store))) logger.info('seeded the demo event (id "demo")');
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** With STORE=redis: this node's membership of the cluster sharing that Redis (not registered yet). */
export async function openCluster(config: Config, media: MediaNode, logger: Logger): Promise<Cluster | null> {
  if (config.store !== 'redis') return null;
  return Cluster.create(
    {
      nodeId: config.nodeId,
      redisUrl: config.redisUrl,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      heartbeatMs: config.clusterHeartbeatMs,
      nodeTtlMs: config.clusterNodeTtlMs,
      requestTimeoutMs: config.clusterRequestTimeoutMs,
      prefix: 'stagecast:',
    },
    media,
    logger,
  );
}

/** The conference domain over the store, reaching the SFU through its narrow ports. */
export function createConference(config: Config, store: Store, media: MediaNode, cluster: Cluster | null, logger: Logger): ConferenceParts {
  const ports = mediaPorts(media, cluster);
  const conference = new Conference(
    store,
    ports.program,
    {
      questionsPerMinute: config.questionRateLimitPerMinute,
      questionsPerNetworkPerMinute: config.questionRateLimitPerNetworkPerMinute,
      votesPerMinute: config.voteRateLimitPerMinute,
      raisesPerMinute: config.handRateLimitPerMinute,
      openHandsPerNetwork: config.openHandsPerNetwork,
      stagesPerEvent: config.maxStagesPerEvent,
    },
    logger,
    jwtSecretOf(config),
  );
  const desk = new Desk({
    store,
    signer: tokenSigner(config),
    agenda: conference.agenda,
    program: conference.program,
    bus: conference.bus,
    logger,
  });
  return { conference, ports, desk, everywhere: cluster ? cluster.relayConference(conference.bus) : conference.bus };
}

/** Health sampling, alerts and metrics (sampling begins with `start`). */
export function createOps(
  config: Config,
  parts: {
    store: Store;
    workers: WorkerPool;
    media: MediaNode;
    hls: HlsEgress;
    cluster: Cluster | null;
    conference: ConferenceParts;
  },
  logger: Logger,
): Promise<NodeOps> {
  const { cluster } = parts;
  return NodeOps.create({
    config,
    media: parts.media,
    pool: parts.workers,
    conference: parts.conference.conference,
    store: parts.store,
    logger,
    clusterEvents: parts.conference.everywhere,
    hls: (stageKey, nowMs) => parts.hls.health(stageKey, nowMs),
    ...(config.recordSessions
      ? { recordingsDisk: () => ({ freeBytes: freeBytes(config.recordingsDir), minFreeBytes: config.recordingsMinFreeMb * 1_000_000 }) }
      : {}),
    ...(cluster ? { watchedElsewhere: (stageKey: string) => cluster.describeStage(stageKey).edges.length > 0 } : {}),
  });
}

export interface ApiParts {
  config: Config;
  signer: TokenSigner;
  conference: ConferenceParts;
  media: MediaNode;
  hls: HlsEgress;
  ops: NodeOps;
  store: Store;
  admission: Admission;
  cluster: Cluster | null;
  /** The nodes of the deployment (this one alone, or the cluster's registry). */
  nodes: () => NodeInfo[];
  ingest: IngestGateways;
  webhooks: Webhooks;
}

/** Every REST route of the node, declared once (validation, access, OpenAPI). */
export function createApi({
  config,
  signer,
  conference: { conference, ports, desk },
  media,
  hls,
  ops,
  store,
  admission,
  cluster,
  nodes,
  ingest,
  webhooks,
}: ApiParts): ApiRegistry {
  const api = new ApiRegistry({ authenticate: authenticator(signer, conference), events: conference.events });
  const playback = createPlaybackTokens(jwtSecretOf(config));
  registerAgendaRoutes(api, conference, agendaDeskHooks(desk, conference.agenda, playback));
  registerLiveRoutes(api, conference);
  registerMediaRoutes(api, {
    conference,
    signer,
    media: ports.routes,
    joinsPerMinute: config.joinRateLimitPerMinute,
    admission,
    ...(cluster ? { placement: placementPort(cluster) } : {}),
  });
  registerOpsRoutes(api, { conference, health: ops.health, alerts: ops.alerts, store });
  // The front page's viewer counts: viewers joined to each stage on this node.
  registerPublicEventRoutes(api, { agenda: conference.agenda, viewersOf: (stageKey) => media.existingStage(stageKey)?.viewerCount ?? 0 });
  registerNodeRoutes(api, nodes);
  registerTokenRoutes(api, { signer, revocations: conference.revocations });
  registerStreamKeyRoutes(api, { keys: conference.streamKeys, agenda: conference.agenda, endSessions: (keyId) => ingest.endHolder(keyId) });
  registerHlsRoutes(api, { egress: hls, agenda: conference.agenda, playback: createPlaybackTokens(jwtSecretOf(config)) });
  registerRecordingRoutes(api, { store, agenda: conference.agenda, playback: createPlaybackTokens(jwtSecretOf(config)) });
  registerDeskPartyRoutes(api, { desk, agenda: conference.agenda, events: conference.events });
  registerDeskMeetingRoutes(api, { desk, agenda: conference.agenda });
  registerApiKeyRoutes(api, { keys: conference.apiKeys, events: conference.events });
  registerWebhookRoutes(api, {
    endpoints: webhooks.endpoints,
    publisher: webhooks.publisher,
    events: conference.events,
    onEnabled: (endpointId) => ops.alerts.webhookEndpointEnabled(endpointId),
  });
  let openApi: object | undefined;
  api.add({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApi',
    summary: 'The OpenAPI 3 document of this API',
    tag: 'meta',
    access: 'anyone',
    handler: async () => (openApi ??= buildOpenApi(api, { title: 'stagecast', version: '0.1.0' })),
  });
  return api;
}

/** The HTTP server: health, metrics, the API and the pages (not listening yet). */
export function createHttpServer(
  config: Config,
  parts: {
    api: ApiRegistry;
    ops: NodeOps;
    readiness: ReadinessProbe;
    peerOrigins: () => string[];
    hls: HlsEgress;
    events: EventDirectory;
    store: Store;
    cluster: Cluster | null;
    conference: Conference;
    ingest: IngestGateways;
    /** WHEP players' routes (server/boot/whep.ts). */
    whep: Router;
  },
  logger: Logger,
): http.Server {
  const { cluster, store } = parts;
  const access = new HlsAccess(parts.events, createPlaybackTokens(jwtSecretOf(config)));
  const serveHls = createHlsServing({
    stream: (key) => parts.hls.stream(key),
    access,
    segmentSeconds: config.hlsSegmentSeconds,
    ...(cluster && { stageOrigin: (key: string) => cluster.originUrl(key) }),
    logger,
  });
  const replays = replayRoutes({
    access,
    replayFile: (eventId, sessionId) => {
      const file = recordingFile(config.recordingsDir, eventId, sessionId);
      return fs.existsSync(file) ? file : undefined;
    },
    ...(cluster && {
      replayNode: async (eventId: string, sessionId: string) => {
        const record = await store.collection('recordings').get(eventId, sessionId);
        return record?.status === 'ready' ? cluster.urlOf(record.nodeId) : null;
      },
    }),
  });
  const app = createHttpApp({
    logger,
    bodyLimit: config.httpBodyLimit,
    readiness: parts.readiness,
    routers: [
      metricsRoutes(parts.ops.metrics, config.metricsToken),
      replays,
      whipRoutes({
        keys: parts.conference.streamKeys,
        agenda: parts.conference.agenda,
        whip: parts.ingest.whip,
        maxOfferBytes: MAX_OFFER_BYTES,
      }),
      parts.whep,
      parts.api.router(),
      uiRoutes(undefined, config.allowedEmbedOrigins ? config.allowedEmbedOrigins.split(',') : []),
    ],
    peerOrigins: parts.peerOrigins,
    // HSTS and upgrade-insecure-requests only where browsers reach the node over https.
    https: config.publicUrl?.startsWith('https://') ?? false,
    trustProxy: compileProxyTrust(config.trustProxy),
  });
  // Live HLS first: the requests of a large audience, which need nothing of the app's middleware.
  const server = http.createServer((req, res) => {
    if (!serveHls(req, res)) app(req, res);
  });
  answerClientErrors(server);
  return server;
}

export interface SignalingParts {
  httpServer: http.Server;
  signer: TokenSigner;
  media: MediaNode;
  conference: ConferenceParts;
  ops: NodeOps;
  admission: Admission;
  cluster: Cluster | null;
  peerOrigins: () => string[];
}

/** Socket.IO on the HTTP server; hands lowered anywhere in the cluster close what their owner publishes here. */
export function createSignaling(config: Config, parts: SignalingParts, logger: Logger): SignalingServer {
  const { cluster, conference } = parts;
  const playback = createPlaybackTokens(jwtSecretOf(config));
  const signaling = new SignalingServer(
    parts.httpServer,
    {
      authenticate: authenticator(parts.signer, conference.conference),
      media: parts.media,
      conference: conference.conference,
      ops: { health: parts.ops.health, alerts: parts.ops.alerts },
      admission: parts.admission,
      logger,
      ...(cluster ? { publishing: cluster } : {}),
      meetingRooms: conference.desk.rooms,
      playlistUrl: async (eventId, stageId, caller) => {
        const event = await conference.conference.events.event(eventId);
        return playlistUrl(playback, { eventId, stageId, isPublic: event?.isPublic ?? false }, caller) ?? '';
      },
    },
    {
      reconnectGraceMs: config.reconnectGraceMs,
      maxPayloadBytes: config.socketMaxPayloadBytes,
      allowedOrigins: config.allowedOrigins ? config.allowedOrigins.split(',') : [],
      refusalLimit: config.socketRefusalLimit,
      refusalWindowMs: config.socketRefusalWindowMs,
      mediaQuota: {
        peersPerParticipant: config.maxPeersPerParticipant,
        peersPerIp: config.maxPeersPerIp,
        transportsPerParticipant: config.maxTransportsPerParticipant,
        transportsPerIp: config.maxTransportsPerIp,
        parkedPerIp: config.maxParkedPeersPerIp,
      },
      peerOrigins: parts.peerOrigins,
      trustProxy: compileProxyTrust(config.trustProxy),
      maxSocketsPerIp: config.maxSocketsPerIp,
      connectTimeoutMs: config.socketConnectTimeoutMs,
      webrtcSeats: {
        // Auto: about two consumers (video and sound) per viewer on every worker's share.
        budget: config.webrtcViewerBudget || Math.floor((config.mediasoupNumWorkers * config.maxConsumersPerRouter) / 2),
        cpuCeilingPercent: config.webrtcCpuCeilingPercent,
        joinBacklogMax: config.joinBacklogMax,
      },
      ...(cluster ? { adapter: cluster.socketAdapter() } : {}),
    },
  );
  revokeSpeakingWhenHandLowered(conference.everywhere, signaling.peers);
  // Every node hears a revocation made on any node (the cluster relays it) and closes that token's connections here.
  conference.everywhere.on('tokenrevoked', ({ tokenId }) => signaling.disconnectToken(tokenId));
  return signaling;
}

/** Listens on HOST:PORT; resolves with the address browsers use for this node. */
export async function listen(config: Config, server: http.Server, announcedIp: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  if (config.publicUrl) return config.publicUrl;
  const port = (server.address() as AddressInfo).port;
  return `http://${announcedIp.includes(':') ? `[${announcedIp}]` : announcedIp}:${port}`;
}

/** Bearer credentials of REST and sockets alike: tokens and API keys. */
export function authenticator(signer: TokenSigner, conference: Conference): Authenticate {
  return bearerAuthenticator({ signer, revocations: conference.revocations, apiKeys: conference.apiKeys });
}

export function tokenSigner(config: Config): TokenSigner {
  return createTokenSigner(jwtSecretOf(config), config.tokenTtlSeconds, config.tokenMaxTtlSeconds);
}
