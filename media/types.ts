/** Shared vocabulary of the media layer; plain data, safe to send to clients as is. */

/** `interpretation`: an interpreter's microphone in a language channel, never on air, chosen by each viewer. */
export type SourceKind = 'onsite' | 'camera' | 'screen' | 'interpretation';
export type MediaKind = 'audio' | 'video';

export interface SourceProducer {
  producerId: string;
  kind: MediaKind;
}

/** A media input of a stage: the hall feed, a remote speaker's camera (+ microphone), or a screen share. */
export interface SourceInfo {
  id: string;
  kind: SourceKind;
  label: string;
  /** Participant who publishes it; null for the on-site feed. */
  ownerId: string | null;
  producers: SourceProducer[];
  /** The language channel an interpretation source belongs to (a BCP 47 tag such as `en` or `zh-Hans`). */
  language?: string;
}

export interface MediaOptions {
  /** IP the RTC sockets bind to. */
  listenIp: string;
  /** IP written into ICE candidates and told to encoders; needed when listenIp is 0.0.0.0 or behind NAT. */
  announcedIp: string;
  /** A distribution router takes this many consumers, then the next one opens. */
  maxConsumersPerRouter: number;
  /** Start estimate of a viewer's downlink, before bandwidth estimation converges (bps). */
  initialAvailableOutgoingBitrate: number;
  /** Cap on what one publisher may send (bps). */
  maxIncomingBitrate: number;
  /** Producers one peer may hold at once (camera, microphone, screen and its sound). */
  maxProducersPerPeer: number;
  /** Consumers one peer may hold at once. */
  maxConsumersPerPeer: number;
}

export const DEFAULT_MEDIA_OPTIONS: MediaOptions = {
  listenIp: '127.0.0.1',
  announcedIp: '127.0.0.1',
  maxConsumersPerRouter: 500,
  initialAvailableOutgoingBitrate: 1_500_000,
  maxIncomingBitrate: 4_000_000,
  maxProducersPerPeer: 4,
  maxConsumersPerPeer: 64,
};

/** Errors of the media layer; the signaling edge maps them to the error taxonomy. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly code: 'not_found' | 'bad_request' | 'conflict' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}
