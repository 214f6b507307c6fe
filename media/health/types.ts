/**
 * What one health sample says about this node's media. Plain JSON-safe data with no runtime imports:
 * the ops consoles receive it as is (through the Socket.IO contract) and Prometheus gauges read it.
 */
import type { MediaKind, SourceKind } from '../types';

/** One producer of a source: what mediasoup measured on the stream(s) arriving at it. */
export interface ProducerHealth {
  producerId: string;
  kind: MediaKind;
  /** Media packets reached the producer since the previous sample. */
  receiving: boolean;
  /** mediasoup's receive bitrate (bps, over its last second), summed over the producer's streams. */
  bitrateBps: number;
  /** Bytes of media received since the previous sample. */
  bytesDelta: number;
  /** Cumulative, since the producer opened. */
  packetsReceived: number;
  packetsLost: number;
  /** Lost / expected over the last interval, in percent (0 when nothing was expected). */
  lossPercent: number;
  /** Interarrival jitter in ms (the worst stream). */
  jitterMs: number;
  /** mediasoup's 0–10 score of the best stream (a simulcast layer turned off by the sender scores 0). */
  score: number;
  /** Cumulative feedback mediasoup sent to the sender: retransmission and key-frame requests. */
  nackCount: number;
  pliCount: number;
  firCount: number;
}

/** One PlainTransport of the on-site feed: whether packets reach its port at all, accepted or not. */
export interface FeedTransportHealth {
  transportId: string;
  kind: MediaKind;
  bytesReceived: number;
  recvBitrateBps: number;
  /** Bytes arrived since the previous sample (even packets the producer then refused). */
  packetsArriving: boolean;
}

/** A feed published by an encoder through a gateway (RTMP, SRT): what it sends, as ffmpeg reads it. */
export interface EncoderFeedHealth {
  protocol: 'rtmp' | 'srt';
  /** An encoder is connected now (false while the feed waits for one to come back). */
  connected: boolean;
  videoCodec: string | null;
  /** The H264 profile (`Constrained Baseline`, `High`…); null for other codecs. */
  videoProfile: string | null;
  width: number | null;
  height: number | null;
  audioCodec: string | null;
  /** The video is transcoded to H264 Constrained Baseline (not Baseline H264 already): it costs a core's share. */
  transcoding: boolean;
  /** What the encoder sends, measured at the gateway since the previous sample (bps). */
  bitrateBps: number;
}

export interface SourceHealth {
  id: string;
  kind: SourceKind;
  label: string;
  ownerId: string | null;
  /** Media reached at least one of its producers since the previous sample. */
  receiving: boolean;
  /** How long no media has reached it (0 while receiving); counted from when it opened if it never did. */
  silentForMs: number;
  bitrateBps: number;
  /** The worst producer's loss over the last interval. */
  lossPercent: number;
  /** The worst receiving producer's score; null while none receives. */
  score: number | null;
  producers: ProducerHealth[];
  /** On-site feeds only: the RTP/RTCP transports the encoder sends to; null for WebRTC sources. */
  feed: FeedTransportHealth[] | null;
  /** Feeds an encoder publishes through the RTMP or SRT gateway: its input; absent otherwise. */
  encoder?: EncoderFeedHealth | null;
}

/** A language channel's booth as ops sees it: is someone live, is their microphone heard, does it arrive whole. */
export interface LanguageChannelHealth {
  language: string;
  /** Interpreters in the booth (their microphones published). */
  interpreters: number;
  /** An interpreter is live (the booth is not empty). */
  live: boolean;
  liveParticipantId: string | null;
  /** The live microphone's level (dBov) over the last second; null when silent. */
  audioLevelDbov: number | null;
  /** Media reaches the live interpreter's producer. */
  receiving: boolean;
  /** The live interpreter's loss over the last interval (its source's). */
  lossPercent: number;
  bitrateBps: number;
}

export interface StageHealth {
  /** The media layer's name of the stage (`eventId/stageId`). */
  key: string;
  program: string | null;
  /** Participants following the program (on distribution routers). */
  viewers: number;
  /** Pages connected to this node that watch the stage over HLS (players elsewhere, behind a CDN, are not counted). */
  hlsViewers: number;
  /** Viewers with a resumed consumer of a producer that has media flowing (see StageTracker). */
  receivingViewers: number;
  /** Hosts and ops receiving every source on the origin. */
  previews: number;
  consumers: number;
  /** Consumers neither paused nor fed by a paused producer. */
  activeConsumers: number;
  /** Consumers per mediasoup score: index 0–10. Kept up to date from push events, not polled. */
  consumerScores: number[];
  /** Estimated: each producer's bitrate times the consumers actively forwarding it. */
  bitrateOutBps: number;
  /** Estimated bytes sent to consumers since the previous sample (same estimate). */
  bytesOutDelta: number;
  /** Origin plus distribution routers. */
  routers: number;
  distributionRouters: number;
  /** Cumulative since the stage's media opened on this node. */
  joins: number;
  programSwitches: number;
  sources: SourceHealth[];
  /** The stage's booths that have an interpreter on this node (scheduled languages without one are ops' alert to find). */
  languages: LanguageChannelHealth[];
  /** The stage's HLS stream, when one runs on this node (its origin). */
  hls: HlsHealth | null;
}

/** A stage's HLS stream (media/egress): what ops watch. */
export interface HlsHealth {
  /** The encoder process is alive (false between a crash and its restart). */
  encoderAlive: boolean;
  restarts: number;
  segments: number;
  /** Since the newest segment was listed; since the stream (or its source) started when none has been. */
  newestSegmentAgeMs: number;
  /** The length of a segment. */
  segmentMs: number;
  /** The stage has a video source: segments are expected (without one the stream idles until it stops). */
  expectingSegments: boolean;
  /** Each rendition's bitrate over its newest segment. */
  renditions: { name: string; bitrateBps: number }[];
}

export interface WorkerHealth {
  index: number;
  pid: number | null;
  alive: boolean;
  /** User + system CPU over the last interval, percent of one core; null on the first sample of a process. */
  cpuPercent: number | null;
  /** Resident memory now (Linux /proc), null where unavailable. */
  rssBytes: number | null;
  /** Peak resident memory (getrusage). */
  maxRssBytes: number | null;
  restarts: number;
  /** RTC ports its transports hold, per protocol (a WebRTC transport: a UDP and a TCP port; plain: one or two UDP; pipe: one UDP). */
  portsInUse: { udp: number; tcp: number };
  /** The worker's slice of the RTC port range (that many UDP and as many TCP ports). */
  portsTotal: number;
  /** A transport could not bind a port and none has been freed or taken since. */
  portsExhausted: boolean;
}

export interface NodeHealth {
  pid: number;
  /** This Node.js process's CPU over the last interval, percent of one core. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay over the last interval, in ms. */
  eventLoopLagMs: { mean: number; p99: number; max: number };
  connectedSockets: number;
  /** Free space where recordings are written; null when this node does not record. */
  recordingsDisk: { freeBytes: number; minFreeBytes: number } | null;
}

export interface HealthSample {
  nodeId: string;
  /** 1, 2, 3… per sampler. */
  seq: number;
  takenAt: string;
  takenAtMs: number;
  /** Time since the previous sample (the configured interval, give or take). */
  intervalMs: number;
  /** Wall time taking this sample took. */
  durationMs: number;
  node: NodeHealth;
  workers: WorkerHealth[];
  stages: StageHealth[];
}

export const MAX_SCORE = 10;
