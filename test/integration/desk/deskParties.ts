import type { DelegateRecord, OrganisationKind, OrganisationRecord } from '../../../server/store/deskRecords';
import { type ApiClient, ok } from '../../helpers/api';

export const DESK = '/api/events/demo/desk';

/** A delegate with their token and a client that calls as them. */
export interface Delegate {
  id: string;
  organisationId: string;
  token: string;
  api: ApiClient;
}

export async function createOrganisation(
  host: ApiClient,
  name: string,
  kind: OrganisationKind,
  sectors: string[],
): Promise<OrganisationRecord> {
  return ok<OrganisationRecord>(await host.post(`${DESK}/organisations`, { name, kind, sectors }), 201);
}

/** Invited by `host`, accepted by whoever holds the code (`anonymous`). */
export async function inviteDelegate(
  host: ApiClient,
  anonymous: ApiClient,
  organisation: OrganisationRecord,
  name: string,
  sectors: string[] = [],
): Promise<Delegate> {
  const invite = ok<{ code: string }>(await host.post(`${DESK}/invites`, { organisationId: organisation.id, name, sectors }), 201);
  const accepted = ok<{ token: string; delegate: DelegateRecord }>(
    await anonymous.post(`${DESK}/invites/accept`, { code: invite.code }),
    201,
  );
  return { id: accepted.delegate.id, organisationId: organisation.id, token: accepted.token, api: anonymous.as(accepted.token) };
}

const HOUR = 3_600_000;

/** A time slot `hoursAhead` hours from a whole hour two days ahead, `minutes` long, as ISO strings. */
export function slotTime(hoursAhead: number, minutes = 30): { start: string; end: string } {
  const base = Math.ceil(Date.now() / HOUR) * HOUR + 48 * HOUR;
  const start = base + hoursAhead * HOUR;
  return { start: new Date(start).toISOString(), end: new Date(start + minutes * 60_000).toISOString() };
}
