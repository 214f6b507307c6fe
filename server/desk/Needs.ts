import { randomUUID } from 'node:crypto';
import { cleanHumanText } from '../conference/humanText';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { DelegateRecord, NeedRecord } from '../store/deskRecords';
import { type Clock, isoAt } from './clock';
import { normaliseSector, type Parties } from './Parties';

export type NewNeed = Pick<NeedRecord, 'title' | 'sector' | 'problem' | 'budgetMin' | 'budgetMax' | 'currency' | 'wantedBy'> & {
  maturityWanted?: number | null;
};

/** Organisation kinds that post technology needs. */
const NEED_POSTERS = new Set(['enterprise', 'investor']);

/** Technology needs: posted by a delegate of an enterprise (or an investor), read by the whole fair. */
export class Needs {
  constructor(
    private readonly store: Store,
    private readonly parties: Parties,
    private readonly clock: Clock,
  ) {}

  async createNeed(delegate: DelegateRecord, input: NewNeed): Promise<NeedRecord> {
    const organisation = await this.parties.organisation(delegate.eventId, delegate.organisationId);
    if (!NEED_POSTERS.has(organisation.kind)) {
      throw new AppError('forbidden', `a ${organisation.kind} does not post technology needs; enterprises and investors do`);
    }
    if (input.budgetMax < input.budgetMin) {
      throw new AppError('bad_request', 'budgetMax must be at least budgetMin', {
        details: [{ field: 'budgetMax', problems: ['below budgetMin'] }],
      });
    }
    const need: NeedRecord = {
      id: randomUUID(),
      eventId: delegate.eventId,
      organisationId: delegate.organisationId,
      delegateId: delegate.id,
      title: cleanHumanText(input.title),
      sector: normaliseSector(input.sector),
      problem: cleanHumanText(input.problem),
      budgetMin: input.budgetMin,
      budgetMax: input.budgetMax,
      currency: input.currency,
      wantedBy: input.wantedBy,
      maturityWanted: input.maturityWanted ?? null,
      createdAt: isoAt(this.clock),
    };
    await this.store.collection('needs').put(need);
    return need;
  }

  async listNeeds(eventId: string): Promise<NeedRecord[]> {
    return (await this.store.collection('needs').list(eventId)).sort(
      (a, b) => a.wantedBy.localeCompare(b.wantedBy) || a.title.localeCompare(b.title),
    );
  }

  async need(eventId: string, needId: string): Promise<NeedRecord> {
    const need = await this.store.collection('needs').get(eventId, needId);
    if (!need) throw new AppError('not_found', `no need ${needId}`);
    return need;
  }
}
