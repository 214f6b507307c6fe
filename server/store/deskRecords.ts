/**
 * What the tech-transfer desk persists: the parties of a fair, their delegates and invites, the needs
 * enterprises post, interests, meeting slots and meetings, agreements, and what the report counts.
 * Plain JSON-safe records like those of records.ts; every one is listed by its event.
 */

export const ORGANISATION_KINDS = ['university', 'institute', 'enterprise', 'investor', 'service-agency', 'government'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface OrganisationRecord {
  id: string;
  eventId: string;
  name: string;
  kind: OrganisationKind;
  /** Sectors it works in, as the fair names them (e.g. "optoelectronic information"). */
  sectors: string[];
  createdAt: string;
}

/** A person acting for one organisation at the fair; their access token's subject is this id. */
export interface DelegateRecord {
  id: string;
  eventId: string;
  organisationId: string;
  name: string;
  title: string;
  sectors: string[];
  /** The invite they came through. */
  inviteId: string;
  joinedAt: string;
}

/**
 * A single-use invite: the link carries a random code, the store only its SHA-256 (the id), so
 * whoever reads the store cannot accept an invite.
 */
export interface InviteRecord {
  /** SHA-256 of the code, hex. */
  id: string;
  eventId: string;
  organisationId: string;
  name: string;
  title: string;
  sectors: string[];
  expiresAt: string;
  invitedBy: string;
  createdAt: string;
}

/** Written once per invite, by whoever accepts it first: the store's insert-if-new makes an invite single-use. */
export interface InviteClaimRecord {
  /** The invite's id. */
  id: string;
  eventId: string;
  delegateId: string;
  claimedAt: string;
}

/** A technology need an enterprise posts. */
export interface NeedRecord {
  id: string;
  eventId: string;
  organisationId: string;
  /** The delegate who posted it. */
  delegateId: string;
  title: string;
  sector: string;
  problem: string;
  budgetMin: number;
  budgetMax: number;
  /** ISO 4217, e.g. CNY. */
  currency: string;
  /** A date, YYYY-MM-DD. */
  wantedBy: string;
  /** The lowest technology readiness level (TRL 1–9) that would do; null when no level is wanted. */
  maturityWanted: number | null;
  createdAt: string;
}

export const INTEREST_TARGETS = ['achievement', 'need'] as const;
export type InterestTarget = (typeof INTEREST_TARGETS)[number];

export interface TargetRef {
  kind: InterestTarget;
  id: string;
}

export const INTEREST_STATUSES = ['pending', 'accepted', 'declined'] as const;
export type InterestStatus = (typeof INTEREST_STATUSES)[number];

/** A delegate's interest in an achievement or a need; the owning organisation answers it. */
export interface InterestRecord {
  /** Derived from target and delegate (Matchmaking.ts interestIdOf): one interest per delegate and target. */
  id: string;
  eventId: string;
  target: TargetRef;
  targetTitle: string;
  ownerOrganisationId: string;
  delegateId: string;
  /** Who is interested, as the owning team sees them. */
  delegateName: string;
  organisationId: string;
  note: string;
  status: InterestStatus;
  answerNote: string;
  createdAt: string;
  answeredAt: string | null;
  answeredBy: string | null;
}

export const MEETING_MODES = ['on-site', 'online'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];

/** Time a team offers for meetings: at an on-site table, or online. */
export interface SlotRecord {
  id: string;
  eventId: string;
  organisationId: string;
  /** The delegate who will be at the meeting for the team. */
  delegateId: string;
  start: string;
  end: string;
  mode: MeetingMode;
  /** The on-site table's label; null online. */
  table: string | null;
  createdAt: string;
}

export const MEETING_STATUSES = ['requested', 'accepted', 'declined', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export interface MeetingRecord {
  id: string;
  eventId: string;
  slotId: string;
  start: string;
  end: string;
  mode: MeetingMode;
  table: string | null;
  /** The slot's delegate and organisation. */
  hostDelegateId: string;
  hostOrganisationId: string;
  /** Who asked for the slot. */
  guestDelegateId: string;
  guestOrganisationId: string;
  /** What it is about, when the guest said. */
  about: TargetRef | null;
  note: string;
  status: MeetingStatus;
  requestedAt: string;
  answeredAt: string | null;
  answerNote: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelNote: string;
}

/** Written once per meeting by the node that sends its reminder: one reminder, however many nodes armed a timer. */
export interface ReminderClaimRecord {
  /** The meeting's id. */
  id: string;
  eventId: string;
  sentAt: string;
}

export const AGREEMENT_TYPES = ['licence', 'transfer', 'joint-development', 'equity'] as const;
export type AgreementType = (typeof AGREEMENT_TYPES)[number];

/** A signed cooperation about an achievement, between its team and a company. */
export interface AgreementRecord {
  id: string;
  eventId: string;
  achievementId: string;
  teamOrganisationId: string;
  companyOrganisationId: string;
  type: AgreementType;
  amount: number | null;
  currency: string | null;
  /** The signing session where it is signed on stage, or null. */
  signingSessionId: string | null;
  recordedBy: string;
  recordedAt: string;
}

/** One viewer opened one achievement (first time only): what the report counts as views. */
export interface AchievementViewRecord {
  /** `<achievementId>:<viewerId>`. */
  id: string;
  eventId: string;
  achievementId: string;
  viewedAt: string;
}

export interface DeskCollections {
  organisations: OrganisationRecord;
  delegates: DelegateRecord;
  invites: InviteRecord;
  inviteClaims: InviteClaimRecord;
  needs: NeedRecord;
  interests: InterestRecord;
  slots: SlotRecord;
  meetings: MeetingRecord;
  reminderClaims: ReminderClaimRecord;
  agreements: AgreementRecord;
  achievementViews: AchievementViewRecord;
}
