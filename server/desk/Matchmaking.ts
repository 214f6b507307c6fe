import { createHash } from 'node:crypto';
import { cleanHumanText } from '../conference/humanText';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { DelegateRecord, InterestRecord, NeedRecord, TargetRef } from '../store/deskRecords';
import type { AchievementRecord } from '../store/records';
import { type Clock, isoAt } from './clock';
import { type MatchProfile, type MatchReason, scoreMatch, wordsOf } from './matchScore';
import { normaliseSector } from './Parties';

export interface Suggestion {
  kind: TargetRef['kind'];
  id: string;
  title: string;
  organisationId: string | null;
  sector: string;
  score: number;
  reasons: MatchReason[];
  /** The reasons in one line, as a page shows them. */
  reason: string;
}

const MAX_SUGGESTIONS = 50;

/** An achievement's sector; records from before the desk name only a field. */
export function sectorOf(achievement: AchievementRecord): string {
  return normaliseSector(achievement.sector ?? achievement.field);
}

/**
 * One id per (target, delegate), shaped like every other id of the API (a version-4 UUID, its version and
 * variant bits set over a SHA-256), so the store's insert-if-new keeps one interest whatever the retries.
 */
export function interestIdOf(target: TargetRef, delegateId: string): string {
  const hex = createHash('sha256').update(`${target.kind}:${target.id}:${delegateId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Suggestions for a delegate, and the interests delegates express and teams answer. */
export class Matchmaking {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Achievements and needs of other organisations, best first, each with why. */
  async suggestMatches(delegate: DelegateRecord): Promise<Suggestion[]> {
    const { eventId } = delegate;
    const [organisation, achievements, needs] = await Promise.all([
      this.store.collection('organisations').get(eventId, delegate.organisationId),
      this.store.collection('achievements').list(eventId),
      this.store.collection('needs').list(eventId),
    ]);
    const mine = (owner: string | null | undefined): boolean => owner === delegate.organisationId;
    const profile = profileOf(
      [...delegate.sectors, ...(organisation?.sectors ?? [])],
      achievements.filter((a) => mine(a.organisationId)),
      needs.filter((n) => mine(n.organisationId)),
    );
    const suggestions: Suggestion[] = [
      ...achievements
        .filter((a) => !mine(a.organisationId))
        .map((a) =>
          suggestion(profile, { kind: 'achievement', id: a.id }, a.title, a.organisationId ?? null, {
            sector: sectorOf(a),
            text: `${a.title} ${a.field} ${a.summary}`,
            maturity: a.maturity ?? null,
            maturityWanted: null,
          }),
        ),
      ...needs
        .filter((n) => !mine(n.organisationId))
        .map((n) =>
          suggestion(profile, { kind: 'need', id: n.id }, n.title, n.organisationId, {
            sector: n.sector,
            text: `${n.title} ${n.problem}`,
            maturity: null,
            maturityWanted: n.maturityWanted,
          }),
        ),
    ];
    return suggestions
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
      .slice(0, MAX_SUGGESTIONS);
  }

  async expressInterest(delegate: DelegateRecord, target: TargetRef, note: string): Promise<InterestRecord> {
    const { title, owner } = await this.#target(delegate.eventId, target);
    if (owner === null) throw new AppError('conflict', 'this achievement names no team organisation to answer an interest');
    if (owner === delegate.organisationId) throw new AppError('bad_request', 'your own organisation posted it');
    const interest: InterestRecord = {
      id: interestIdOf(target, delegate.id),
      eventId: delegate.eventId,
      target,
      targetTitle: title,
      ownerOrganisationId: owner,
      delegateId: delegate.id,
      delegateName: delegate.name,
      organisationId: delegate.organisationId,
      note: cleanHumanText(note),
      status: 'pending',
      answerNote: '',
      createdAt: isoAt(this.clock),
      answeredAt: null,
      answeredBy: null,
    };
    if (await this.store.collection('interests').insert(interest)) return interest;
    // Expressed before: the first one stands.
    return (await this.store.collection('interests').get(delegate.eventId, interest.id)) ?? interest;
  }

  /** Only a delegate of the organisation that owns the achievement or need answers. */
  async answerInterest(delegate: DelegateRecord, interestId: string, action: 'accept' | 'decline', note: string): Promise<InterestRecord> {
    const interest = await this.store.collection('interests').get(delegate.eventId, interestId);
    if (!interest) throw new AppError('not_found', `no interest ${interestId}`);
    if (interest.ownerOrganisationId !== delegate.organisationId) {
      throw new AppError('forbidden', 'only delegates of the organisation that posted it answer an interest');
    }
    const status = action === 'accept' ? 'accepted' : 'declined';
    if (interest.status !== 'pending' && interest.status !== status)
      throw new AppError('conflict', `the interest was already ${interest.status}`);
    const answered: InterestRecord = {
      ...interest,
      status,
      answerNote: cleanHumanText(note),
      answeredAt: isoAt(this.clock),
      answeredBy: delegate.id,
    };
    await this.store.collection('interests').put(answered);
    return answered;
  }

  /** What a delegate's organisation received and what the delegate sent. */
  async listInterests(delegate: DelegateRecord): Promise<{ received: InterestRecord[]; sent: InterestRecord[] }> {
    const all = (await this.store.collection('interests').list(delegate.eventId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return {
      received: all.filter((i) => i.ownerOrganisationId === delegate.organisationId),
      sent: all.filter((i) => i.delegateId === delegate.id),
    };
  }

  async #target(eventId: string, target: TargetRef): Promise<{ title: string; owner: string | null }> {
    if (target.kind === 'achievement') {
      const achievement = await this.store.collection('achievements').get(eventId, target.id);
      if (!achievement) throw new AppError('not_found', `no achievement ${target.id}`);
      return { title: achievement.title, owner: achievement.organisationId ?? null };
    }
    const need = await this.store.collection('needs').get(eventId, target.id);
    if (!need) throw new AppError('not_found', `no need ${target.id}`);
    return { title: need.title, owner: need.organisationId };
  }
}

function profileOf(sectors: string[], achievements: AchievementRecord[], needs: NeedRecord[]): MatchProfile {
  const text = [...achievements.map((a) => `${a.title} ${a.field} ${a.summary}`), ...needs.map((n) => `${n.title} ${n.problem}`)].join(' ');
  const wanted = needs.flatMap((n) => (n.maturityWanted === null ? [] : [n.maturityWanted]));
  const offered = achievements.flatMap((a) => (a.maturity === undefined || a.maturity === null ? [] : [a.maturity]));
  return {
    sectors: new Set([...sectors.map(normaliseSector), ...achievements.map(sectorOf), ...needs.map((n) => n.sector)]),
    words: wordsOf(text),
    maturityWanted: wanted.length > 0 ? Math.min(...wanted) : null,
    maturityOffered: offered.length > 0 ? Math.max(...offered) : null,
  };
}

function suggestion(
  profile: MatchProfile,
  target: TargetRef,
  title: string,
  organisationId: string | null,
  candidate: Parameters<typeof scoreMatch>[1],
): Suggestion {
  const { score, reasons } = scoreMatch(profile, candidate);
  return { ...target, title, organisationId, sector: candidate.sector, score, reasons, reason: reasons.map((r) => r.detail).join('; ') };
}
