import type { types } from 'mediasoup';
import type { MediaOptions, SourceInfo, SourceKind } from './types';

/** A distribution router's pipe of one origin producer. */
export interface Pipe {
  /** On the origin router: sends the source's packets down the pipe. */
  pipeConsumer: types.Consumer;
  /** On the distribution router: what its viewers consume (same id as the origin producer). */
  pipeProducer: types.Producer;
}

/**
 * A router participants consume from. Viewers use distribution routers fed from the origin with
 * pipeToRouter; hosts' previews, which see every source whatever is on air, consume on the origin.
 */
export interface ReceiveRouter {
  readonly kind: 'origin' | 'distribution';
  readonly router: types.Router;
  readonly worker: types.Worker;
  consumers: number;
  /** Origin producer id → the pipe that brings it here (distribution routers only). */
  readonly piped: Map<string, Promise<Pipe>>;
}

/**
 * What a participant's media needs of its stage. StageMedia implements it; a peer knows its stage
 * only through it, so the two classes do not import each other. `Peer` is the peer class itself.
 */
export interface PeerStage<Peer> {
  readonly key: string;
  readonly options: MediaOptions;
  /** Holds the sources: send transports live here. */
  readonly origin: types.Router;
  readonly closed: boolean;
  readonly rtpCapabilities: types.RtpCapabilities;
  readonly sources: SourceInfo[];
  /** The stage closes its peers itself (one listener per peer on the stage would not scale). */
  registerPeer(peer: Peer): void;
  consumerOpened(peer: Peer, consumer: types.Consumer): void;
  peerReceiving(peer: Peer): void;
  addProducer(
    producer: types.Producer,
    source: { id: string; kind: SourceKind; label: string; ownerId: string | null; language?: string },
  ): SourceInfo;
  hasProducer(producerId: string): boolean;
  /** Whether the producer sends layers (simulcast or SVC): only then does a consumer choose what to send by bandwidth. */
  isLayered(producerId: string): boolean;
  allocateReceiveRouter(followsProgram: boolean): Promise<ReceiveRouter>;
  prepare(receiver: ReceiveRouter, producerId: string): Promise<void>;
}
