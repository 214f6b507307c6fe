import type { ConferenceParts } from './parts';
/**
 * The steps of the composition root, in the order a node starts: each takes what the earlier ones
 * built and returns what it builds. `Stagecast.start` runs them; on failure it closes what was opened.
 */
import type { StageLanguages } from '../../media/egress/audioRenditions';
import { HlsEgress } from '../../media/egress/HlsEgress';
import type { Rendition } from '../../media/egress/HlsEncoder';
import { EncoderSlots } from '../../media/ingest/EncoderSlots';
import { type AuthorizeEncoder, EncoderFeeds } from '../../media/ingest/EncoderFeeds';
import { RtmpGateway } from '../../media/ingest/RtmpGateway';
import { SrtGateway } from '../../media/ingest/SrtGateway';
import { WhipGateway } from '../../media/ingest/WhipGateway';
import { MediaNode } from '../../media/MediaNode';
import type { MediaOptions } from '../../media/types';
import { WorkerPool } from '../../media/WorkerPool';
import type { Cluster } from '../cluster/Cluster';
import type { Config } from '../config';
import type { Conference } from '../conference/Conference';
import { feedSourceId } from '../conference/StreamKeys';
import { meetingIdOfStage, splitStageKey, stageKey } from '../stageKey';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import { resolveAnnouncedIp } from '../network';
import { SessionRecorder } from '../recordings/SessionRecorder';
import type { Store } from '../store';
import { DEFAULT_FLOOR_LEVEL } from '../store/records';

function mediaOptions(config: Config): MediaOptions {
  return {
    listenIp: config.rtcListenIp,
    announcedIp: resolveAnnouncedIp(config.rtcListenIp, config.announcedIp),
    maxConsumersPerRouter: config.maxConsumersPerRouter,
    initialAvailableOutgoingBitrate: config.viewerStartBitrate,
    maxIncomingBitrate: 4_000_000,
    maxProducersPerPeer: config.maxProducersPerPeer,
    maxConsumersPerPeer: config.maxConsumersPerPeer,
  };
}

/** The mediasoup workers and the SFU over them. */
export async function openMedia(config: Config, logger: Logger): Promise<{ workers: WorkerPool; media: MediaNode }> {
  const workers = await WorkerPool.create({
    numWorkers: config.mediasoupNumWorkers,
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
    logLevel: config.mediasoupLogLevel,
    logger,
  });
  return { workers, media: new MediaNode(workers, mediaOptions(config), logger) };
}

/** An encoder that drops and reconnects within this long resumes the same source (issue 15: 10 s). */
const ENCODER_RECONNECT_MS = 10_000;

/** The gateways hall encoders publish stage feeds through with a stream key. */
export interface IngestGateways {
  whip: WhipGateway;
  rtmp: RtmpGateway;
  srt: SrtGateway;
  /** Ends what a revoked key publishes on this node; answers how many encoder sessions that was. */
  endHolder(keyId: string): number;
  close(): Promise<void>;
}

/** WHIP, RTMP and SRT gateways; one encoder per feed across all three (EncoderSlots). */
export async function openIngestGateways(
  config: Config,
  media: MediaNode,
  conference: Conference,
  logger: Logger,
): Promise<IngestGateways> {
  const slots = new EncoderSlots(config.ingestTakeoverMs);
  const whip = new WhipGateway(
    media,
    media.options,
    slots,
    { livenessPollMs: Math.max(100, Math.min(1000, Math.floor(config.ingestTakeoverMs / 4))) },
    logger,
  );
  const authorize: AuthorizeEncoder = async (key) => {
    const record = await conference.streamKeys.verify(key);
    await conference.agenda.getStage(record.eventId, record.stageId);
    return {
      stageKey: stageKey(record.eventId, record.stageId),
      sourceId: feedSourceId(record.feed),
      label: record.label,
      holder: record.id,
    };
  };
  const feeds = new EncoderFeeds(media, media.options, slots, authorize, ENCODER_RECONNECT_MS, logger);
  const rtmp = await RtmpGateway.listen(feeds, { host: config.host, port: config.rtmpPort }, logger);
  let srt: SrtGateway;
  try {
    srt = await SrtGateway.listen(feeds, { host: config.host, port: config.srtPort }, config.srtPassphrase, logger);
  } catch (error) {
    await rtmp.close();
    throw error;
  }
  return {
    whip,
    rtmp,
    srt,
    endHolder: (keyId) => whip.endHolder(keyId) + feeds.endHolder(keyId),
    close: async () => {
      whip.close();
      await Promise.all([rtmp.close(), srt.close()]);
      feeds.close();
    },
  };
}

/** The HLS ladder as HLS_LADDER names it: `720p:1280x720:2500,…`. */
function renditionsOf(ladder: string): Rendition[] {
  return ladder.split(',').map((entry) => {
    const [name, size, kbps] = entry.split(':');
    const [width, height] = size.split('x').map(Number);
    return { name, width: width - (width % 2), height: height - (height % 2), videoKbps: Number(kbps) };
  });
}

/** A stage's languages as the HLS egress needs them (its interpretation channels become audio renditions). */
async function stageLanguages(store: Store, key: string): Promise<StageLanguages> {
  const { eventId, stageId } = splitStageKey(key);
  const stage = await store.collection('stages').get(eventId, stageId);
  return {
    floor: stage?.floorLanguage ?? null,
    channels: stage?.interpretationLanguages ?? [],
    floorLevel: stage?.floorLevel ?? DEFAULT_FLOOR_LEVEL,
  };
}

/** The HLS streams of this node's stages (on a cluster, of those it is the origin of). */
export function openEgress(config: Config, media: MediaNode, cluster: Cluster | null, store: Store, logger: Logger): HlsEgress {
  return new HlsEgress(
    media,
    {
      rootDir: config.hlsDir,
      autoStart: config.hlsAutostart,
      idleStopMs: config.hlsIdleStopMs,
      streamed: (key) => meetingIdOfStage(splitStageKey(key).stageId) === null,
      languagesOf: (key) => stageLanguages(store, key),
      renditions: renditionsOf(config.hlsLadder),
      audioKbps: config.hlsAudioKbps,
      segmentSeconds: config.hlsSegmentSeconds,
      frameRate: 30,
      windowSegments: config.hlsWindowSegments,
    },
    logger,
    cluster ? (key) => cluster.describeStage(key).role === 'origin' : undefined,
  );
}

/** Stage settings changed on any node: the stage's HLS stream (if this node runs it) follows its languages. */
export function followStageLanguages(hls: HlsEgress, everywhere: ConferenceBus, logger: Logger): { close(): void } {
  const changed = ({ eventId, stageId }: { eventId: string; stageId: string | null }): void => {
    if (stageId === null) return;
    hls
      .languagesChanged(stageKey(eventId, stageId))
      .catch((error: unknown) => logger.warn({ err: error, eventId, stageId }, 'stage languages not read'));
  };
  everywhere.on('agendachanged', changed);
  return { close: () => everywhere.off('agendachanged', changed) };
}

/**
 * With RECORD_SESSIONS: the recorder of the sessions of this node's stages, after finalising what a
 * previous run left unfinished.
 */
export async function openRecorder(
  config: Config,
  parts: { store: Store; conference: ConferenceParts; hls: HlsEgress; cluster: Cluster | null },
  logger: Logger,
): Promise<SessionRecorder | null> {
  if (!config.recordSessions) return null;
  const { cluster } = parts;
  const recorder = new SessionRecorder(
    parts.store,
    parts.conference.everywhere,
    parts.hls,
    {
      dir: config.recordingsDir,
      minFreeBytes: config.recordingsMinFreeMb * 1_000_000,
      segmentSeconds: config.hlsSegmentSeconds,
      nodeId: config.nodeId,
      commitReady: (write, record) => parts.conference.conference.bus.commit(write, { event: 'recordingready', payload: record }),
      isOrigin: cluster ? (key) => cluster.describeStage(key).role === 'origin' : () => true,
      ...(cluster ? { isNodeAlive: (id: string) => cluster.nodes().some((node) => node.id === id) } : {}),
    },
    logger,
  );
  try {
    // Whose unfinished recordings are whose: the nodes running now, read before this one joins.
    await cluster?.refreshNodes();
    await recorder.recover((await parts.conference.conference.agenda.listEvents()).map((e) => e.id));
  } catch (error) {
    await recorder.close();
    throw error;
  }
  return recorder;
}
