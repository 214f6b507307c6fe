/**
 * What stagecast and its clients (the watch and speaker pages, the consoles, tests and benchmarks)
 * exchange: the Socket.IO contract, and the records and views the REST API answers with. The browser
 * imports its types from here only. Type-only: every import is erased, so the bundle takes none of
 * the server's code.
 *
 * Every request is an event whose last argument is an ack answering `{ ok: true, data }` or
 * `{ ok: false, error: { code, message } }`. RTP, DTLS and ICE parameters are mediasoup's shapes; they
 * are typed `object` here so that mediasoup-client's types fit, and validated field by field on arrival.
 */

import type { BoothState } from '../media/LanguageBooths';
import type { MediaKind, SourceInfo, SourceKind } from '../media/types';
import type { AgendaItem } from '../server/conference/agendaTypes';
import type { PublicEventsView, PublicEventView, PublicSessionView, PublicStageView } from '../server/conference/publicEventTypes';
import type { MeetingReminder, ModeratedQuestionView, ModerationAction, ProgramChange, QuestionView } from '../server/conference/views';
import type { NodeInfo } from '../server/cluster/NodeRegistry';
import type { ErrorCode } from '../server/errors';
import type { ApiKeyRecord, WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEventType } from '../server/store/integrationRecords';
import type { HealthSampleView, HlsHealth, SourceHealth, StageHealthView, UplinkWarning } from '../server/ops/views';
import type {
  AchievementRecord,
  AlertRecord,
  ContentLocale,
  ContentTranslations,
  EventRecord,
  HandRecord,
  SessionKind,
  SessionRecord,
  SpeakerRecord,
  StageRecord,
} from '../server/store/records';

export type {
  AchievementRecord,
  ContentLocale,
  ContentTranslations,
  AgendaItem,
  AlertRecord,
  BoothState,
  ApiKeyRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventType,
  ErrorCode,
  EventRecord,
  HandRecord,
  HealthSampleView,
  HlsHealth,
  MediaKind,
  ModeratedQuestionView,
  ModerationAction,
  NodeInfo,
  ProgramChange,
  PublicEventsView,
  PublicEventView,
  PublicSessionView,
  PublicStageView,
  QuestionView,
  SessionKind,
  SessionRecord,
  SourceHealth,
  SourceInfo,
  SourceKind,
  SpeakerRecord,
  StageHealthView,
  StageRecord,
  UplinkWarning,
};

export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
export type Ack<T> = (response: AckResponse<T>) => void;

/** The handshake: `io(url, { auth: { token } })`. */
export interface HandshakeAuth {
  token: string;
}

export interface JoinRequest {
  stageId: string;
  /**
   * Open the receive transport with the join (as `createTransport` 'recv' would), saving a round trip
   * to every viewer; answered in `recvTransport`. Not for a speaker who only sends.
   */
  recvTransport?: boolean;
}

export interface JoinResult {
  /** Keep it: after a dropped connection, `resume` with it restores this peer (its transports and consumers) within the grace period. */
  peerId: string;
  participantId: string;
  role: string;
  routerRtpCapabilities: object;
  sources: SourceInfo[];
  /** What is on air now; viewers receive only that source while one is set. */
  program: ProgramChange;
  /** The receive transport, when the join asked for it. */
  recvTransport?: TransportOptions;
}

/** Watching a stage over HLS: no media on this node, the stage's pushes (program changes) all the same. */
export interface HlsWatchResult {
  participantId: string;
  sources: SourceInfo[];
  program: ProgramChange;
  /** The master playlist, on this node's origin; with a playback token for a private event. */
  url: string;
}

/**
 * The details of a `join` answered `unavailable` because the node has no WebRTC seat for another
 * viewer: watch over HLS (`watchHls`) instead.
 */
export interface HlsFallbackDetails {
  fallback: 'hls';
  reason: 'budget' | 'cpu' | 'crowd';
}

export interface ResumeRequest {
  peerId: string;
}

export interface ResumeResult {
  peerId: string;
  sources: SourceInfo[];
  program: ProgramChange;
  /** Consumers still alive; any other the client holds was closed while it was away. */
  consumerIds: string[];
}

export interface CreateTransportRequest {
  direction: 'send' | 'recv';
}

export interface TransportOptions {
  id: string;
  iceParameters: object;
  iceCandidates: object[];
  dtlsParameters: object;
}

export interface ConnectTransportRequest {
  transportId: string;
  dtlsParameters: object;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: object;
  /**
   * camera: the camera and the microphone; screen: a screen share; interpretation: an interpreter's
   * microphone into the language channel `language` (audio only; interpreter tokens of that stage and
   * language only). An interpreter's producer starts muted unless the booth was empty (see `handOver`).
   */
  source: 'camera' | 'screen' | 'interpretation';
  language?: string;
}

/** A stage's languages and its booths now (`getLanguages`). */
export interface StageLanguages {
  /** What the floor speaks; null when the stage does not say. */
  floorLanguage: string | null;
  /** The stage's interpretation channels (its booths), in the host's order. */
  interpretationLanguages: string[];
  /** How loud the floor stays under a chosen language, 0–1. */
  floorLevel: number;
  /** Each channel's booth: who interprets and who is live (an empty booth lists nobody). */
  booths: BoothState[];
  /** The caller's own booth when the caller is an interpreter (their token's language), else null. */
  yourLanguage: string | null;
}

export interface ConsumeRequest {
  producerId: string;
  rtpCapabilities: object;
}

/**
 * Several producers consumed at once on the receive transport (a viewer's whole programme at its join).
 * `paused: false` asks for the consumer to flow at once, sparing a `resumeConsumer`: meant for a
 * transport not connected yet (nothing reaches the client before it has set every consumer up).
 */
export interface ConsumeManyRequest {
  rtpCapabilities: object;
  consumers: { producerId: string; paused: boolean }[];
}

/** Each asked producer's answer, in the order asked: one that cannot be consumed does not fail the others. */
export interface ConsumeManyResult {
  consumers: ({ ok: true; consumer: ConsumerOptions } | { ok: false; producerId: string; error: { code: ErrorCode; message: string } })[];
}

export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: object;
  type: string;
  paused: boolean;
}

export interface ConsumerRef {
  consumerId: string;
}

export interface ProducerRef {
  producerId: string;
}

export interface PreferredLayersRequest {
  consumerId: string;
  spatialLayer: number;
  temporalLayer?: number;
}

export interface RestartIceRequest {
  transportId: string;
}

export interface ConsumerLayers {
  consumerId: string;
  spatialLayer: number | null;
  temporalLayer: number | null;
}

export type Empty = Record<string, never>;

export interface SessionRef {
  sessionId: string;
}

export interface QuestionRef {
  sessionId: string;
  questionId: string;
}

export interface SubscribeResult {
  questions: QuestionView[];
  /** Moderators, hosts and admins: the raised-hands queue. Others: their own open hand, if any. */
  hands: HandRecord[];
}

export interface SubmitQuestionRequest {
  sessionId: string;
  text: string;
}

export interface ModerateQuestionRequest extends QuestionRef {
  action: ModerationAction;
}

export interface AnswerHandRequest {
  sessionId: string;
  handId: string;
  action: 'accept' | 'lower';
}

/**
 * The node is shutting down: it takes no new joins and closes within its grace period. Reconnect (and
 * join again) after `reconnectInMs`, to `alternateUrl` when one is given (another node), else to the
 * same address, where a restarted node will answer.
 */
export interface DrainNotice {
  reconnectInMs: number;
  alternateUrl: string | null;
}

/** The answer to subscribeHealth: where the pushes start from. */
export interface HealthSubscription {
  nodeId: string;
  intervalMs: number;
  /** The latest sample (the caller's event's stages); null before the first. */
  sample: HealthSampleView | null;
  /** Alerts open now: the event's and the node-wide ones. */
  alerts: AlertRecord[];
}

export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: Ack<JoinResult>) => void;
  resume: (request: ResumeRequest, ack: Ack<ResumeResult>) => void;
  watchHls: (request: JoinRequest, ack: Ack<HlsWatchResult>) => void;
  getRouterRtpCapabilities: (request: Empty, ack: Ack<object>) => void;
  createTransport: (request: CreateTransportRequest, ack: Ack<TransportOptions>) => void;
  connectTransport: (request: ConnectTransportRequest, ack: Ack<Empty>) => void;
  restartIce: (request: RestartIceRequest, ack: Ack<{ iceParameters: object }>) => void;
  produce: (request: ProduceRequest, ack: Ack<{ producerId: string }>) => void;
  closeProducer: (request: ProducerRef, ack: Ack<Empty>) => void;
  consume: (request: ConsumeRequest, ack: Ack<ConsumerOptions>) => void;
  consumeMany: (request: ConsumeManyRequest, ack: Ack<ConsumeManyResult>) => void;
  resumeConsumer: (request: ConsumerRef, ack: Ack<Empty>) => void;
  pauseConsumer: (request: ConsumerRef, ack: Ack<Empty>) => void;
  setPreferredLayers: (request: PreferredLayersRequest, ack: Ack<Empty>) => void;
  leave: (request: Empty, ack: Ack<Empty>) => void;
  /** The joined stage's languages and booths (joined over WebRTC, or watching over HLS). */
  getLanguages: (request: Empty, ack: Ack<StageLanguages>) => void;
  /**
   * An interpreter's handover in their booth: the live interpreter passes the channel to the partner,
   * a muted one takes it. Exactly one stays live; the booth's new state is pushed (`boothUpdated`).
   */
  handOver: (request: Empty, ack: Ack<BoothState>) => void;
  /** Live Q&A (and, for moderators, hands) of one session: current state now, changes pushed after. */
  subscribeSession: (request: SessionRef, ack: Ack<SubscribeResult>) => void;
  unsubscribeSession: (request: SessionRef, ack: Ack<Empty>) => void;
  submitQuestion: (request: SubmitQuestionRequest, ack: Ack<QuestionView>) => void;
  upvoteQuestion: (request: QuestionRef, ack: Ack<QuestionView>) => void;
  withdrawQuestion: (request: QuestionRef, ack: Ack<Empty>) => void;
  moderateQuestion: (request: ModerateQuestionRequest, ack: Ack<QuestionView>) => void;
  raiseHand: (request: SessionRef, ack: Ack<HandRecord>) => void;
  lowerHand: (request: SessionRef, ack: Ack<HandRecord>) => void;
  answerHand: (request: AnswerHandRequest, ack: Ack<HandRecord>) => void;
  /** Ops, hosts and admins: every health sample and alert of the caller's event, pushed as they happen. */
  subscribeHealth: (request: Empty, ack: Ack<HealthSubscription>) => void;
  unsubscribeHealth: (request: Empty, ack: Ack<Empty>) => void;
}

export interface ServerToClientEvents {
  /** A source of the joined stage appeared or changed its producers. */
  sourceUpdated: (source: SourceInfo) => void;
  sourceClosed: (event: { sourceId: string }) => void;
  consumerClosed: (event: { consumerId: string; producerId: string }) => void;
  consumerLayersChanged: (event: ConsumerLayers) => void;
  /** The server closed one of this participant's producers (stage closed, right revoked). */
  producerClosed: (event: { producerId: string }) => void;
  /** A booth of the joined stage changed: an interpreter came or went, or a handover (to the stage's room). */
  boothUpdated: (booth: BoothState & { stageId: string }) => void;
  /** The host put another source on air (pushed to the stage's participants). */
  programChanged: (change: ProgramChange) => void;
  /** A question of a subscribed session changed; attendees only hear of approved and answered ones. */
  questionUpdated: (question: QuestionView) => void;
  /** A question left the caller's view (withdrawn, or moved out of the public statuses). */
  questionRemoved: (event: { sessionId: string; questionId: string }) => void;
  /** A hand changed: to moderators of the session, and to the participant it belongs to. */
  handUpdated: (hand: HandRecord) => void;
  /** The agenda of the caller's event changed; refetch it. */
  agendaChanged: (event: { eventId: string; stageId: string | null }) => void;
  sessionUpdated: (session: SessionRecord) => void;
  /** Each health sample as it is taken (health subscribers; the caller's event's stages only). */
  healthSample: (sample: HealthSampleView) => void;
  /** An alert of the caller's event, or a node-wide one, opened or cleared (health subscribers). */
  alertRaised: (alert: AlertRecord) => void;
  alertCleared: (alert: AlertRecord) => void;
  /** To a remote speaker: their stream reaches the stage damaged ('poor'), or well again ('ok'). */
  uplinkWarning: (warning: UplinkWarning) => void;
  /** To every connection of a node that is shutting down (SIGTERM). */
  draining: (notice: DrainNotice) => void;
  /**
   * The peer's media is gone (a mediasoup worker died, its stage was rebuilt): the server has
   * closed the peer; join again on the same connection to get media on what is alive.
   */
  mediaLost: (notice: { stageId: string }) => void;
  /** To the two delegates of an accepted meeting of the desk, ten minutes before it starts. */
  meetingReminder: (reminder: MeetingReminder) => void;
}

export const REQUEST_EVENTS = [
  'join',
  'resume',
  'watchHls',
  'getRouterRtpCapabilities',
  'createTransport',
  'connectTransport',
  'restartIce',
  'produce',
  'closeProducer',
  'consume',
  'consumeMany',
  'resumeConsumer',
  'pauseConsumer',
  'setPreferredLayers',
  'leave',
  'getLanguages',
  'handOver',
  'subscribeSession',
  'unsubscribeSession',
  'submitQuestion',
  'upvoteQuestion',
  'withdrawQuestion',
  'moderateQuestion',
  'raiseHand',
  'lowerHand',
  'answerHand',
  'subscribeHealth',
  'unsubscribeHealth',
] as const satisfies readonly (keyof ClientToServerEvents)[];
