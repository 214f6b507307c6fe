import { ApiClient, eventPath } from '../lib/api';

/** The desk's answers as this page reads them (the server's OpenAPI document has the full shapes). */
export interface Organisation {
  id: string;
  name: string;
}

export interface Me {
  delegate: { id: string; name: string; organisationId: string };
  organisation: Organisation;
}

export interface Suggestion {
  kind: 'achievement' | 'need';
  id: string;
  title: string;
  organisationId: string | null;
  sector: string;
  score: number;
  /** The reasons in one line, in the server's words. */
  reason: string;
  /** Each factor that earned points (the page words them in its language). */
  reasons?: { factor: string; points: number; detail: string }[];
}

export interface Slot {
  id: string;
  organisationId: string;
  start: string;
  end: string;
  mode: 'on-site' | 'online';
  table: string | null;
  taken: boolean;
}

export interface Meeting {
  id: string;
  start: string;
  end: string;
  mode: 'on-site' | 'online';
  table: string | null;
  hostOrganisationId: string;
  guestOrganisationId: string;
  status: 'requested' | 'accepted' | 'declined' | 'cancelled';
}

export interface Interest {
  id: string;
  target: { kind: 'achievement' | 'need'; id: string };
  targetTitle: string;
  delegateName: string;
  organisationId: string;
  note: string;
  status: 'pending' | 'accepted' | 'declined';
}

/** Everything the page shows, read together. */
export interface DeskSnapshot {
  me: Me;
  organisations: Map<string, Organisation>;
  suggestions: Suggestion[];
  slots: Slot[];
  meetings: Meeting[];
  /** Interest in what the delegate's organisation offers or needs. */
  interests: Interest[];
  /** What the delegate has expressed interest in (target ids). */
  interestedIn: Set<string>;
}

/** The desk's REST calls a delegate makes. */
export class DeskApi {
  readonly #api: ApiClient;

  constructor(
    private readonly eventId: string,
    token: string,
    onUnauthorized: () => void,
  ) {
    this.#api = new ApiClient(token, onUnauthorized);
  }

  /** Accepts an invite (once): the delegate's token. */
  static async acceptInvite(eventId: string, code: string): Promise<string> {
    const accepted = await new ApiClient(null).post<{ token: string }>(eventPath(eventId, 'desk', 'invites', 'accept'), { code });
    return accepted.token;
  }

  async snapshot(): Promise<DeskSnapshot> {
    const [me, organisations, suggestions, slots, meetings, interests] = await Promise.all([
      this.#api.get<Me>(this.#path('delegates', 'me')),
      this.#api.get<Organisation[]>(this.#path('organisations')),
      this.#api.get<Suggestion[]>(this.#path('matches')),
      this.#api.get<Slot[]>(this.#path('slots')),
      this.#api.get<Meeting[]>(this.#path('meetings')),
      this.#api.get<{ received: Interest[]; sent: Interest[] }>(this.#path('interests')),
    ]);
    const byId = new Map(organisations.map((o) => [o.id, o]));
    const interestedIn = new Set(interests.sent.map((i) => i.target.id));
    return { me, organisations: byId, suggestions, slots, meetings, interests: interests.received, interestedIn };
  }

  async expressInterest(target: Suggestion): Promise<void> {
    await this.#api.post(this.#path('interests'), { target: { kind: target.kind, id: target.id } });
  }

  async requestMeeting(slot: Slot, about: Suggestion): Promise<void> {
    await this.#api.post(this.#path('meetings'), { slotId: slot.id, about: { kind: about.kind, id: about.id } });
  }

  async answerInterest(interest: Interest, action: 'accept' | 'decline'): Promise<void> {
    await this.#api.post(this.#path('interests', interest.id, 'answer'), { action });
  }

  async answerMeeting(meeting: Meeting, action: 'accept' | 'decline'): Promise<void> {
    await this.#api.post(this.#path('meetings', meeting.id, 'answer'), { action });
  }

  #path(...rest: string[]): string {
    return eventPath(this.eventId, 'desk', ...rest);
  }
}
