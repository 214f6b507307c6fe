import type { types } from 'mediasoup';
import type { EncoderFeedHealth } from './health/types';
import type { MediaPeer } from './MediaPeer';
import type { SourceInfo } from './types';

/** Chooses workers for a stage's routers; the MediaNode knows the load of every worker. */
export interface WorkerPicker {
  /** The least loaded worker, preferring one that is not `avoid`. */
  pick(avoid?: types.Worker): types.Worker;
}

export interface StageMediaEvents {
  /** A source appeared or its producers changed (e.g. a speaker added a microphone). */
  sourceupdated: [SourceInfo];
  sourceclosed: [string];
  /** A participant's media joined the stage (observers such as health counters follow it). */
  peeradded: [MediaPeer];
  peerremoved: [MediaPeer];
  /** A WHEP player left (an edge whose last viewer or player leaves lets the stage go). */
  playerremoved: [];
  /** A peer opened a consumer; observers follow consumers without a listener per peer. */
  consumeropened: [{ peer: MediaPeer; consumer: types.Consumer }];
  /** A peer's receive transport connected or failed (`peer.receiving`): its consumers reach it, or not. */
  peerreceiving: [MediaPeer];
  /** The source on air changed (setProgram with another value than the current one). */
  programchanged: [string | null];
  '@close': [];
}

/** A viewer fed outside the signaling (a WHEP player): counted with the stage's viewers, closed with the stage. */
export interface StagePlayer {
  close(): void;
  once(event: '@close', listener: () => void): unknown;
}

/** A source with its mediasoup objects, read-only, for observers (the health sampler). */
export interface SourceMedia {
  readonly info: SourceInfo;
  readonly producers: readonly types.Producer[];
  /** The on-site feed's PlainTransports; empty for WebRTC sources. */
  readonly transports: readonly types.Transport[];
  /** What the encoder of a gateway-fed feed sends (RTMP, SRT). */
  readonly encoder?: () => EncoderFeedHealth | null;
}
