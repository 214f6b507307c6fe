/**
 * What the conference shows its participants. Types (and the constant lists they derive from), with no
 * runtime imports: the browser app and the Socket.IO contract import them as they are.
 */
import type { ContentTranslations, QuestionRecord } from '../store/records';

export interface LowerThird {
  speakerName: string;
  speakerTitle: string;
  organisation: string;
  sessionTitle: string;
  /** The session title in each page language, where the organisers entered it. */
  sessionTranslations?: ContentTranslations;
  /**
   * An agreement announced on air: its parts, so each page writes the line in its own language
   * (`speakerName` holds the English line for clients that do not know this field).
   */
  agreement?: { team: string; company: string; achievement: string; achievementTranslations?: ContentTranslations };
}

export interface ProgramChange {
  eventId: string;
  stageId: string;
  sourceId: string | null;
  lowerThird: LowerThird | null;
  changedAt: string;
}

/** What a moderator may do to a question. */
export const MODERATION_ACTIONS = ['approve', 'reject', 'pin', 'unpin', 'answer', 'countHeldVotes'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * A question as everyone sees it: no author id or network, which would link an anonymous participant's
 * questions to each other, and no held votes.
 */
export interface QuestionView extends Omit<QuestionRecord, 'authorId' | 'sourceTag'> {
  /** Counted votes. */
  votes: number;
  /** The caller asked it: set in answers to one participant (a listing, their own submission), never in broadcasts. */
  mine?: boolean;
}

/** A question as moderators see it: who asked, from which network, and the votes held past a network's budget. */
export interface ModeratedQuestionView extends QuestionRecord {
  votes: number;
  /** Votes beyond their network's budget (a burst from one place), not counted until a moderator counts them. */
  heldVotes: number;
}

/** To the two delegates of an accepted meeting, ten minutes before it starts. */
export interface MeetingReminder {
  eventId: string;
  meetingId: string;
  start: string;
  end: string;
  mode: 'on-site' | 'online';
  /** The on-site table; null online. */
  table: string | null;
  delegateIds: [string, string];
}
