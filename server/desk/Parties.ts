import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Principal, TokenSigner } from '../auth/tokens';
import { cleanHumanText } from '../conference/humanText';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { DelegateRecord, InviteRecord, OrganisationKind, OrganisationRecord } from '../store/deskRecords';
import { type Clock, isoAt } from './clock';

export interface NewOrganisation {
  name: string;
  kind: OrganisationKind;
  sectors?: string[];
}

export interface NewInvite {
  organisationId: string;
  name: string;
  title?: string;
  sectors?: string[];
  /** How long the link works; 72 h unless said. */
  expiresInHours?: number;
}

/** What the inviter hands on: the code appears here once and is never stored. */
export interface IssuedInvite {
  inviteId: string;
  code: string;
  /** The page that accepts it; the code rides in the fragment, which browsers never send to a server. */
  link: string;
  expiresAt: string;
}

export interface AcceptedInvite {
  delegate: DelegateRecord;
  organisation: OrganisationRecord;
  /** An access token of role `delegate` whose subject is the delegate's id. */
  token: string;
}

const DEFAULT_INVITE_HOURS = 72;

/** Sectors as the desk compares them: trimmed, single-spaced, lower case, each once. */
export function normaliseSectors(sectors: readonly string[] | undefined): string[] {
  return [...new Set((sectors ?? []).map(normaliseSector).filter((s) => s.length > 0))];
}

export function normaliseSector(sector: string): string {
  return cleanHumanText(sector).replace(/\s+/g, ' ').toLowerCase();
}

function inviteIdOf(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function visibleText(raw: string, field: string): string {
  const text = cleanHumanText(raw);
  if (text.length === 0)
    throw new AppError('bad_request', `${field} shows no visible character`, { details: [{ field, problems: ['empty'] }] });
  return text;
}

/** Organisations of an event, their delegates, and the single-use invites that make delegates. */
export class Parties {
  constructor(
    private readonly store: Store,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
  ) {}

  async createOrganisation(eventId: string, input: NewOrganisation): Promise<OrganisationRecord> {
    const organisation: OrganisationRecord = {
      id: randomUUID(),
      eventId,
      name: visibleText(input.name, 'name'),
      kind: input.kind,
      sectors: normaliseSectors(input.sectors),
      createdAt: isoAt(this.clock),
    };
    await this.store.collection('organisations').put(organisation);
    return organisation;
  }

  async listOrganisations(eventId: string): Promise<OrganisationRecord[]> {
    return (await this.store.collection('organisations').list(eventId)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async organisation(eventId: string, organisationId: string): Promise<OrganisationRecord> {
    const organisation = await this.store.collection('organisations').get(eventId, organisationId);
    if (!organisation) throw new AppError('not_found', `no organisation ${organisationId}`);
    return organisation;
  }

  async inviteDelegate(eventId: string, input: NewInvite, by: Principal): Promise<IssuedInvite> {
    await this.organisation(eventId, input.organisationId);
    const code = randomBytes(32).toString('base64url');
    const createdAtMs = this.clock();
    const invite: InviteRecord = {
      id: inviteIdOf(code),
      eventId,
      organisationId: input.organisationId,
      name: visibleText(input.name, 'name'),
      title: cleanHumanText(input.title ?? ''),
      sectors: normaliseSectors(input.sectors),
      expiresAt: new Date(createdAtMs + (input.expiresInHours ?? DEFAULT_INVITE_HOURS) * 3_600_000).toISOString(),
      invitedBy: by.id,
      createdAt: new Date(createdAtMs).toISOString(),
    };
    await this.store.collection('invites').put(invite);
    return { inviteId: invite.id, code, link: `/desk/${eventId}/invite#${code}`, expiresAt: invite.expiresAt };
  }

  /** Whether a code names an invite of the event (expired and used ones included). */
  async hasInvite(eventId: string, code: string): Promise<boolean> {
    return (await this.store.collection('invites').get(eventId, inviteIdOf(code))) !== undefined;
  }

  /**
   * Trades an invite's code for a delegate and their token, once: the claim is the store's
   * insert-if-new, so of two simultaneous acceptances (on any nodes) exactly one gets a delegate.
   */
  async acceptInvite(eventId: string, code: string): Promise<AcceptedInvite> {
    const invite = await this.store.collection('invites').get(eventId, inviteIdOf(code));
    if (!invite) throw new AppError('not_found', 'no such invite');
    if (this.clock() >= Date.parse(invite.expiresAt)) throw new AppError('forbidden', `the invite expired at ${invite.expiresAt}`);
    const organisation = await this.organisation(eventId, invite.organisationId);
    const delegate: DelegateRecord = {
      id: randomUUID(),
      eventId,
      organisationId: invite.organisationId,
      name: invite.name,
      title: invite.title,
      sectors: invite.sectors,
      inviteId: invite.id,
      joinedAt: isoAt(this.clock),
    };
    const claimed = await this.store
      .collection('inviteClaims')
      .insert({ id: invite.id, eventId, delegateId: delegate.id, claimedAt: delegate.joinedAt });
    if (!claimed) throw new AppError('conflict', 'the invite has already been used');
    try {
      await this.store.collection('delegates').put(delegate);
    } catch (error) {
      // Without its delegate the claim would burn the invite: released, the same link works once the store is back.
      await this.store
        .collection('inviteClaims')
        .delete(eventId, invite.id)
        .catch(() => false);
      throw error;
    }
    const token = this.signer.sign({ role: 'delegate', eventId, name: delegate.name, id: delegate.id });
    return { delegate, organisation, token };
  }

  async listDelegates(eventId: string, organisationId?: string): Promise<DelegateRecord[]> {
    const all = await this.store.collection('delegates').list(eventId);
    return all
      .filter((d) => organisationId === undefined || d.organisationId === organisationId)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The delegate a `delegate` token acts as; `not_found` when the store no longer knows them. */
  async delegateOf(principal: Principal): Promise<DelegateRecord> {
    if (principal.role !== 'delegate') throw new AppError('forbidden', `role ${principal.role} does not act for an organisation`);
    const delegate = await this.store.collection('delegates').get(principal.eventId, principal.id);
    if (!delegate) throw new AppError('not_found', `no delegate ${principal.id} in event ${principal.eventId}`);
    return delegate;
  }
}
