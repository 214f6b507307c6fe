import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/tokens';
import type { AgendaService } from '../conference/AgendaService';
import { type CommitRecord, type ProgramChange, writeAlone } from '../conference/ConferenceBus';
import type { ProgramService } from '../conference/ProgramService';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { AgreementRecord, AgreementType } from '../store/deskRecords';
import { type Clock, isoAt } from './clock';
import type { Parties } from './Parties';

export interface NewAgreement {
  achievementId: string;
  companyOrganisationId: string;
  /** The research team; the achievement's organisation unless said. */
  teamOrganisationId?: string;
  type: AgreementType;
  amount?: number | null;
  currency?: string | null;
  signingSessionId?: string | null;
}

/** An agreement as pages show it: its parties and achievement named, and the line that goes on air. */
export interface AgreementView extends AgreementRecord {
  teamName: string;
  companyName: string;
  achievementTitle: string;
  headline: string;
}

export function agreementHeadline(team: string, company: string, achievement: string): string {
  return `Agreement signed: ${team} × ${company} — ${achievement}`;
}

/** Organisation kinds that sign with a research team as its counterpart. */
const COUNTERPARTS = new Set(['enterprise', 'investor']);

/** Agreements signed at the fair, and their announcement on air during the signing session. */
export class Agreements {
  constructor(
    private readonly store: Store,
    private readonly parties: Parties,
    private readonly agenda: AgendaService,
    private readonly program: ProgramService,
    private readonly clock: Clock,
    /** Writes every agreement with its report: partner webhooks hear of it. */
    private readonly commit: CommitRecord<AgreementRecord> = writeAlone,
  ) {}

  async recordAgreement(eventId: string, input: NewAgreement, by: Principal): Promise<AgreementRecord> {
    const achievement = await this.agenda.getAchievement(eventId, input.achievementId);
    const teamId = input.teamOrganisationId ?? achievement.organisationId ?? null;
    if (teamId === null) {
      throw new AppError('bad_request', 'the achievement names no team organisation: give teamOrganisationId', {
        details: [{ field: 'teamOrganisationId', problems: ['required for this achievement'] }],
      });
    }
    await this.parties.organisation(eventId, teamId);
    const company = await this.parties.organisation(eventId, input.companyOrganisationId);
    if (!COUNTERPARTS.has(company.kind))
      throw new AppError('bad_request', `the counterpart is a ${company.kind}, not an enterprise or investor`);
    if (company.id === teamId) throw new AppError('bad_request', 'an agreement needs two organisations');
    const sessionId = input.signingSessionId ?? null;
    if (sessionId !== null) {
      const session = await this.agenda.getSession(eventId, sessionId);
      if (session.kind !== 'signing') throw new AppError('bad_request', `session "${session.title}" is a ${session.kind}, not a signing`);
    }
    if ((input.amount ?? null) !== null && (input.currency ?? null) === null) {
      throw new AppError('bad_request', 'an amount needs its currency', {
        details: [{ field: 'currency', problems: ['required with amount'] }],
      });
    }
    const agreement: AgreementRecord = {
      id: randomUUID(),
      eventId,
      achievementId: achievement.id,
      teamOrganisationId: teamId,
      companyOrganisationId: company.id,
      type: input.type,
      amount: input.amount ?? null,
      currency: input.amount === undefined || input.amount === null ? null : (input.currency ?? null),
      signingSessionId: sessionId,
      recordedBy: by.id,
      recordedAt: isoAt(this.clock),
    };
    await this.commit((outbox) => this.store.collection('agreements').put(agreement, outbox), agreement);
    return agreement;
  }

  async listAgreements(eventId: string): Promise<AgreementView[]> {
    const [agreements, organisations, achievements] = await Promise.all([
      this.store.collection('agreements').list(eventId),
      this.store.collection('organisations').list(eventId),
      this.store.collection('achievements').list(eventId),
    ]);
    const organisation = new Map(organisations.map((o) => [o.id, o.name]));
    const achievement = new Map(achievements.map((a) => [a.id, a.title]));
    return agreements
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
      .map((agreement) => {
        const teamName = organisation.get(agreement.teamOrganisationId) ?? '';
        const companyName = organisation.get(agreement.companyOrganisationId) ?? '';
        const achievementTitle = achievement.get(agreement.achievementId) ?? '';
        return {
          ...agreement,
          teamName,
          companyName,
          achievementTitle,
          headline: agreementHeadline(teamName, companyName, achievementTitle),
        };
      });
  }

  /** "Agreement signed: <team> × <company> — <achievement>" on air while its signing session is live. */
  async announceAgreement(eventId: string, agreementId: string): Promise<ProgramChange> {
    const agreement = await this.store.collection('agreements').get(eventId, agreementId);
    if (!agreement) throw new AppError('not_found', `no agreement ${agreementId}`);
    if (agreement.signingSessionId === null) throw new AppError('conflict', 'the agreement names no signing session');
    const session = await this.agenda.getSession(eventId, agreement.signingSessionId);
    if (session.status !== 'live') throw new AppError('conflict', `the signing session is ${session.status}, not live`);
    const [team, company, achievement] = await Promise.all([
      this.parties.organisation(eventId, agreement.teamOrganisationId),
      this.parties.organisation(eventId, agreement.companyOrganisationId),
      this.agenda.getAchievement(eventId, agreement.achievementId),
    ]);
    const text = agreementHeadline(team.name, company.name, achievement.title);
    return this.program.announce(eventId, session.stageId, {
      text,
      sessionId: session.id,
      agreement: {
        team: team.name,
        company: company.name,
        achievement: achievement.title,
        achievementTranslations: achievement.translations,
      },
    });
  }
}
