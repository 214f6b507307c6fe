import type { types } from 'mediasoup';
import type { MediaKind, SourceKind } from './types';

export type TransportDirection = 'send' | 'recv';

export interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerParams {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  type: types.ConsumerType;
  paused: boolean;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  /** camera carries the camera and the microphone; screen a screen share (and its sound); interpretation a booth's microphone. */
  source: Exclude<SourceKind, 'onsite'>;
  /** The language channel of an interpretation source (checked by signaling against the token and the stage). */
  language?: string;
}

export interface ConsumerLayersEvent {
  consumerId: string;
  spatialLayer: number | null;
  temporalLayer: number | null;
}

/** Told when a transport cannot bind a port (the worker pool reports the worker's slice as full). */
export type PortsExhaustedListener = (router: types.Router) => void;

export interface MediaPeerEvents {
  consumerclosed: [{ consumerId: string; producerId: string }];
  consumerlayerschange: [ConsumerLayersEvent];
  producerclosed: [{ producerId: string }];
  /** A transport of this peer opened (+1) or closed (-1): the media caps keep count without scanning peers. */
  transportcount: [delta: 1 | -1];
  '@close': [];
}

/**
 * One participant's media on one stage: its WebRTC transports, producers and consumers.
 * Receive transports live on a distribution router, send transports on the origin.
 * Knows nothing of sockets: signaling forwards its events.
 */
