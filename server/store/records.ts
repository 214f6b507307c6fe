/**
 * What stagecast persists. Plain JSON-safe records; times are ISO 8601 strings with zone.
 * Each collection stores its records under a scope (the owning event or session), so a listing
 * never scans more than one event or one session.
 */
import type { DeskCollections } from './deskRecords';
import type { IntegrationCollections } from './integrationRecords';

/** The languages pages are written in; content may be entered in each. */
export type ContentLocale = 'zh-CN' | 'en';
export const CONTENT_LOCALES: readonly ContentLocale[] = ['zh-CN', 'en'];

/**
 * What organisers enter in two languages: a name, a title, a summary per language. The record's own
 * fields keep the text as first entered; pages show the version in the reader's language, else the other.
 */
export type ContentTranslations = Partial<Record<ContentLocale, { name?: string; title?: string; summary?: string }>>;

export interface EventRecord {
  id: string;
  name: string;
  /** The language pages open in for someone whose browser asks for neither of ours; absent: English. */
  defaultLocale?: ContentLocale;
  translations?: ContentTranslations;
  /** Public events admit anonymous viewers through the join endpoint. */
  isPublic: boolean;
  timezone: string;
  createdAt: string;
  /** What anonymous participants may do; absent in records written before it existed: the defaults. */
  audience?: AudiencePolicy;
}

/**
 * What participants who came through the public join link (anonymous tokens) may do besides watching.
 * Invited participants (tokens from a host or admin) may always do what their role allows.
 */
export interface AudiencePolicy {
  anonymousMayAsk: boolean;
  anonymousMayVote: boolean;
  anonymousMayRaiseHand: boolean;
  /**
   * Anonymous votes one network (an IPv4 address, an IPv6 /64) adds to one question per 10 minutes;
   * votes beyond are held for moderators, not counted. Fifty colleagues behind one office NAT share it.
   */
  votesPerNetwork: number;
}

export const DEFAULT_AUDIENCE_POLICY: AudiencePolicy = {
  anonymousMayAsk: true,
  anonymousMayVote: true,
  anonymousMayRaiseHand: true,
  votesPerNetwork: 5,
};

/** A line put on air in the lower-third's place; an agreement keeps its parts for each page language. */
export interface ProgramAnnouncement {
  text: string;
  sessionId: string;
  agreement?: { team: string; company: string; achievement: string; achievementTranslations?: ContentTranslations };
}

export interface StageRecord {
  id: string;
  eventId: string;
  name: string;
  translations?: ContentTranslations;
  /** The source on air, restored after a restart; null when nothing is on air. */
  programSourceId: string | null;
  /** The speaker the lower-third names while that source is on air (defaults to the session's first). */
  programSpeakerId?: string | null;
  /** A line the host put on air in the lower-third's place (an agreement signed), shown while its session is live. */
  programAnnouncement?: ProgramAnnouncement | null;
  /** The language spoken on the stage, what viewers hear without choosing (BCP 47); absent: not said. */
  floorLanguage?: string;
  /** The stage's language channels: one booth of interpreters each, chosen by viewers. Absent: none. */
  interpretationLanguages?: string[];
  /** How loud the floor stays under a chosen language, 0–1 (absent: 0.2); 0 leaves the interpreter alone. */
  floorLevel?: number;
}

/** What a stage's viewers hear unless they pick a language channel, and how loud the floor stays under one. */
export const DEFAULT_FLOOR_LEVEL = 0.2;

export const SESSION_KINDS = ['keynote', 'achievement-release', 'speech', 'report', 'panel', 'signing'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
export const SESSION_STATUSES = ['scheduled', 'live', 'done'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionRecord {
  id: string;
  eventId: string;
  stageId: string;
  title: string;
  translations?: ContentTranslations;
  kind: SessionKind;
  speakerIds: string[];
  plannedStart: string;
  plannedEnd: string;
  status: SessionStatus;
}

export interface SpeakerRecord {
  id: string;
  eventId: string;
  name: string;
  title: string;
  organisation: string;
  presence: 'on-site' | 'remote';
}

export interface AchievementRecord {
  id: string;
  eventId: string;
  sessionId: string | null;
  title: string;
  institution: string;
  field: string;
  summary: string;
  translations?: ContentTranslations;
  contact: string;
  /** The desk's fields; absent in records written before the desk existed. */
  sector?: string;
  /** Technology readiness level, 1–9; null when not stated. */
  maturity?: number | null;
  ipStatus?: IpStatus;
  transferModes?: TransferMode[];
  /** The research team's organisation and contact delegate (server/store/deskRecords.ts). */
  organisationId?: string | null;
  contactDelegateId?: string | null;
}

export const IP_STATUSES = ['patent-granted', 'patent-pending', 'software-copyright', 'know-how', 'none'] as const;
export type IpStatus = (typeof IP_STATUSES)[number];
/** How a result may move to a company: licence, transfer of rights, joint development, equity or investment. */
export const TRANSFER_MODES = ['licence', 'transfer', 'joint-development', 'equity'] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

export const QUESTION_STATUSES = ['pending', 'approved', 'answered', 'rejected'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

export interface QuestionRecord {
  id: string;
  eventId: string;
  sessionId: string;
  text: string;
  authorId: string;
  authorName: string;
  /** The author's network (server/conference/networkSource.ts): moderators see floods from one place. */
  sourceTag?: string;
  status: QuestionStatus;
  pinned: boolean;
  createdAt: string;
}

export const HAND_STATUSES = ['raised', 'accepted', 'lowered'] as const;
export type HandStatus = (typeof HAND_STATUSES)[number];

export interface HandRecord {
  id: string;
  eventId: string;
  sessionId: string;
  participantId: string;
  name: string;
  /** The participant's network, as on questions. */
  sourceTag?: string;
  /** Raised with an anonymous token (the public join link). */
  anonymous?: boolean;
  status: HandStatus;
  raisedAt: string;
}

export const ALERT_RULES = [
  'source_down',
  'high_loss',
  'low_score',
  'worker_cpu',
  'worker_died',
  'no_viewers_receiving',
  'ports_exhausted',
  'hls_stalled',
  'disk_low',
  'interpreter_missing',
  'webhook_disabled',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * An ops alert: raised when a health rule's condition has held long enough, cleared when it no longer
 * does. Kept as a log of what happened; the node's alert engine knows which are open right now.
 */
export interface AlertRecord {
  id: string;
  /** The event whose stage it concerns; '' for node-wide alerts (workers). */
  eventId: string;
  rule: AlertRule;
  /** What it is about, unique per rule: `eventId/stageId`, `eventId/stageId#sourceId` or `worker:<index>`. */
  subject: string;
  stageId: string | null;
  sourceId: string | null;
  severity: 'warning' | 'critical';
  message: string;
  /** The measured value that raised it (loss %, score, CPU %, silent ms…), when there is one. */
  value: number | null;
  threshold: number | null;
  nodeId: string;
  raisedAt: string;
  clearedAt: string | null;
  /** Why it cleared: the condition recovered, or its subject went away (source closed, stage closed). */
  clearReason: 'recovered' | 'gone' | null;
}

/** A token refused before its expiry (leaked, a person who left the team): named by its `jti`. */
export interface RevokedTokenRecord {
  /** The token's `jti`. */
  id: string;
  eventId: string;
  participantId: string;
  role: string;
  /** The token's own expiry: past it the record no longer matters. */
  expiresAt: string;
  revokedAt: string;
  /** The admin who revoked it (participant id). */
  revokedBy: string;
}

/**
 * A session's recording: the program of its stage from the moment it went live to the moment it
 * ended, as one MP4 (faststart) under RECORDINGS_DIR. Keyed by the session.
 */
export interface RecordingRecord {
  /** The session's id. */
  id: string;
  eventId: string;
  stageId: string;
  title: string;
  /** The node that records it and keeps the file (the stage's origin when it went live). */
  nodeId: string;
  status: 'recording' | 'ready' | 'failed';
  startedAt: string;
  endedAt: string | null;
  /** Of the MP4, once ready (ffprobe's). */
  durationS: number | null;
  bytes: number | null;
  /** The node stopped before the session ended: the file holds what was recorded until then. */
  partial: boolean;
  /** Why it failed, or why it was not recorded (no space). */
  problem: string | null;
}

/**
 * A stream key: what a hall encoder publishes one stage feed with (WHIP, RTMP, SRT). Only a SHA-256 of
 * its secret is kept; the secret is shown once, when the key is created.
 */
export interface StreamKeyRecord {
  /** 16 hex digits; the key reads `<eventId>.<id>.<secret>`. */
  id: string;
  eventId: string;
  stageId: string;
  /** The further hall camera it feeds (`onsite-<feed>`); null for the stage's main feed (`onsite`). */
  feed: string | null;
  label: string;
  secretHash: string;
  createdAt: string;
  /** Participant id of the host, ops or admin who created it. */
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Every collection with its record type; the store implementations are generic over this map. */
export interface Collections extends DeskCollections, IntegrationCollections {
  events: EventRecord;
  stages: StageRecord;
  sessions: SessionRecord;
  speakers: SpeakerRecord;
  achievements: AchievementRecord;
  questions: QuestionRecord;
  hands: HandRecord;
  alerts: AlertRecord;
  revokedTokens: RevokedTokenRecord;
  recordings: RecordingRecord;
  streamKeys: StreamKeyRecord;
}

export type CollectionName = keyof Collections;

/** The scope each collection is listed by. Events live in the single global scope ''. */
export const SCOPE_OF: { [C in CollectionName]: (record: Collections[C]) => string } = {
  events: () => '',
  stages: (r) => r.eventId,
  sessions: (r) => r.eventId,
  speakers: (r) => r.eventId,
  achievements: (r) => r.eventId,
  questions: (r) => r.sessionId,
  hands: (r) => r.sessionId,
  alerts: (r) => r.eventId,
  revokedTokens: (r) => r.eventId,
  recordings: (r) => r.eventId,
  organisations: (r) => r.eventId,
  delegates: (r) => r.eventId,
  invites: (r) => r.eventId,
  inviteClaims: (r) => r.eventId,
  needs: (r) => r.eventId,
  interests: (r) => r.eventId,
  slots: (r) => r.eventId,
  meetings: (r) => r.eventId,
  reminderClaims: (r) => r.eventId,
  agreements: (r) => r.eventId,
  achievementViews: (r) => r.eventId,
  streamKeys: (r) => r.eventId,
  apiKeys: (r) => r.eventId,
  apiKeyUses: (r) => r.eventId,
  webhookEndpoints: (r) => r.eventId,
  webhookDeliveries: (r) => r.endpointId,
};

export const COLLECTION_NAMES = Object.keys(SCOPE_OF) as CollectionName[];
