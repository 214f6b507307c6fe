import '../styles/desk.css';
import { ApiError, downloadWithToken, eventPath } from '../lib/api';
import { element } from '../lib/dom';
import { forgetToken, givenToken, keepToken } from '../lib/token';
import { type DeskSnapshot, DeskApi, type Interest, type Meeting, type Slot, type Suggestion } from './deskApi';

/** Requests and answers arrive from the other side while the page is open: it reads the desk again this often. */
const REFRESH_MS = 5_000;
// `/desk/:eventId`, or the invite link the server hands out: `/desk/:eventId/invite#<code>` (a fragment never reaches a server's logs).
const DESK_PATH = /^\/desk\/([a-z0-9][a-z0-9-]{0,63})(\/invite)?\/?$/;

const who = element('who', HTMLElement);
const status = element('status', HTMLElement);
const detail = element('detail', HTMLElement);
const meetingList = element('meetings', HTMLUListElement);
const interestList = element('interests', HTMLUListElement);
const suggestionList = element('suggestions', HTMLUListElement);

function node<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.textContent = text;
  if (className) made.className = className;
  return made;
}

function when(start: string, end: string): string {
  const from = new Date(start);
  return `${from.toLocaleDateString()} ${from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}–${new Date(
    end,
  ).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}

function where(slot: { mode: Slot['mode']; table: string | null }): string {
  return slot.mode === 'online' ? 'online' : `table ${slot.table ?? ''}`;
}

const STATUS_TEXT: Record<Meeting['status'], string> = {
  requested: 'Requested',
  accepted: 'Accepted',
  declined: 'Declined',
  cancelled: 'Cancelled',
};

const INTEREST_TEXT: Record<Interest['status'], string> = {
  pending: 'Waiting for your answer',
  accepted: 'Accepted',
  declined: 'Declined',
};

/** The delegate's page: their organisation's meetings (answer, join online), the interest it received (answer), and suggestions (interest, ask for a slot). */
class DeskPage {
  #snapshot: DeskSnapshot | null = null;
  #busy = false;

  constructor(
    private readonly eventId: string,
    private readonly api: DeskApi,
  ) {}

  async refresh(): Promise<void> {
    if (this.#busy) return;
    try {
      this.#snapshot = await this.api.snapshot();
      status.textContent = 'Up to date';
      this.#render(this.#snapshot);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** One action at a time; the page reads the desk again after it, whatever the answer. */
  async #act(action: () => Promise<void>, done: string): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    detail.textContent = '';
    try {
      await action();
      status.textContent = done;
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#busy = false;
    }
    await this.refresh();
  }

  #fail(error: unknown): void {
    detail.textContent = error instanceof Error ? error.message : String(error);
  }

  #render(snapshot: DeskSnapshot): void {
    const { me, organisations } = snapshot;
    who.textContent = `${me.delegate.name} · ${me.organisation.name}`;
    const nameOf = (organisationId: string): string => organisations.get(organisationId)?.name ?? 'another organisation';
    meetingList.replaceChildren(...snapshot.meetings.map((m) => this.#meetingItem(m, me.delegate.organisationId, nameOf)));
    if (snapshot.meetings.length === 0) meetingList.append(node('li', 'No meetings yet.', 'desk-item'));
    interestList.replaceChildren(...snapshot.interests.map((i) => this.#interestItem(i, nameOf)));
    if (snapshot.interests.length === 0) interestList.append(node('li', 'Nobody has expressed interest yet.', 'desk-item'));
    suggestionList.replaceChildren(...snapshot.suggestions.map((s) => this.#suggestionItem(s, snapshot, nameOf)));
    if (snapshot.suggestions.length === 0) suggestionList.append(node('li', 'Nothing to suggest yet.', 'desk-item'));
  }

  #meetingItem(meeting: Meeting, ownOrganisation: string, nameOf: (id: string) => string): HTMLLIElement {
    const hosting = meeting.hostOrganisationId === ownOrganisation;
    const other = nameOf(hosting ? meeting.guestOrganisationId : meeting.hostOrganisationId);
    const item = node('li', '', 'desk-item');
    item.dataset.meetingId = meeting.id;
    item.dataset.status = meeting.status;
    item.append(node('h3', `${hosting ? 'With' : 'At'} ${other}`), node('p', `${when(meeting.start, meeting.end)} · ${where(meeting)}`));
    item.append(node('p', STATUS_TEXT[meeting.status]));
    const actions = node('div', '', 'desk-actions');
    if (meeting.status === 'requested' && hosting)
      actions.append(...this.#answerButtons((action) => this.api.answerMeeting(meeting, action)));
    if (meeting.status === 'accepted' && meeting.mode === 'online') {
      const link = node('a', 'Join the online meeting');
      link.href = `/meet/${encodeURIComponent(this.eventId)}/${encodeURIComponent(meeting.id)}`;
      actions.append(link);
    }
    item.append(actions);
    return item;
  }

  #interestItem(interest: Interest, nameOf: (id: string) => string): HTMLLIElement {
    const item = node('li', '', 'desk-item');
    item.dataset.interestId = interest.id;
    item.dataset.status = interest.status;
    item.append(
      node('h3', `${interest.delegateName} (${nameOf(interest.organisationId)})`),
      node('p', `Interested in ${interest.targetTitle}${interest.note ? `: ${interest.note}` : ''}`),
      node('p', INTEREST_TEXT[interest.status]),
    );
    const actions = node('div', '', 'desk-actions');
    if (interest.status === 'pending') actions.append(...this.#answerButtons((action) => this.api.answerInterest(interest, action)));
    item.append(actions);
    return item;
  }

  #answerButtons(answer: (action: 'accept' | 'decline') => Promise<void>): HTMLButtonElement[] {
    return (['accept', 'decline'] as const).map((action) => {
      const button = node('button', action === 'accept' ? 'Accept' : 'Decline');
      button.type = 'button';
      button.addEventListener('click', () => void this.#act(() => answer(action), 'Answered'));
      return button;
    });
  }

  #suggestionItem(suggestion: Suggestion, snapshot: DeskSnapshot, nameOf: (id: string) => string): HTMLLIElement {
    const item = node('li', '', 'desk-item');
    item.dataset.targetId = suggestion.id;
    const owner = suggestion.organisationId ? ` · ${nameOf(suggestion.organisationId)}` : '';
    item.append(
      node('h3', `${suggestion.kind === 'achievement' ? 'Achievement' : 'Need'}: ${suggestion.title}`),
      node('p', `${suggestion.sector}${owner} · score ${suggestion.score}`),
      node('p', suggestion.reason),
    );
    const actions = node('div', '', 'desk-actions');
    const sent = snapshot.interestedIn.has(suggestion.id);
    const interest = node('button', sent ? 'Interest sent' : 'Express interest');
    interest.type = 'button';
    interest.disabled = sent;
    interest.addEventListener('click', () => void this.#act(() => this.api.expressInterest(suggestion), 'Interest sent'));
    actions.append(interest);
    const now = Date.now();
    const open = snapshot.slots.filter(
      (slot) =>
        slot.organisationId === suggestion.organisationId &&
        slot.organisationId !== snapshot.me.delegate.organisationId &&
        !slot.taken &&
        Date.parse(slot.end) > now,
    );
    for (const slot of open) {
      const ask = node('button', `Ask to meet ${when(slot.start, slot.end)} (${where(slot)})`);
      ask.type = 'button';
      ask.dataset.slotId = slot.id;
      ask.addEventListener('click', () => void this.#act(() => this.api.requestMeeting(slot, suggestion), 'Meeting requested'));
      actions.append(ask);
    }
    item.append(actions);
    return item;
  }
}

async function tokenOf(eventId: string, inviteLink: boolean): Promise<string | null> {
  const invite = inviteLink ? decodeURIComponent(window.location.hash.slice(1)) : '';
  if (!invite) return givenToken(eventId);
  // The invite link: accepted once, then the page works with the token it gave, at the desk's own address.
  window.history.replaceState(window.history.state, '', `/desk/${encodeURIComponent(eventId)}`);
  const token = await DeskApi.acceptInvite(eventId, invite);
  keepToken(eventId, token);
  return token;
}

async function start(): Promise<void> {
  const match = DESK_PATH.exec(window.location.pathname);
  const eventId = match?.[1];
  if (!eventId) {
    status.textContent = 'Not found';
    detail.textContent = 'This address names no event.';
    return;
  }
  let token: string | null;
  try {
    token = await tokenOf(eventId, match?.[2] !== undefined);
  } catch (error) {
    status.textContent = 'Not signed in';
    detail.textContent = error instanceof ApiError ? `The invite did not work: ${error.message}.` : String(error);
    return;
  }
  if (!token) {
    status.textContent = 'Not signed in';
    detail.textContent = 'Open this page with the invite link or the delegate link you were given.';
    return;
  }
  const calendar = element('calendar', HTMLButtonElement);
  calendar.addEventListener('click', () => {
    downloadWithToken(eventPath(eventId, 'desk', 'calendar.ics'), token, `meetings-${eventId}.ics`).catch((error: unknown) => {
      detail.textContent = `The calendar could not be downloaded: ${error instanceof Error ? error.message : String(error)}`;
    });
  });
  const page = new DeskPage(eventId, new DeskApi(eventId, token, () => forgetToken(eventId)));
  await page.refresh();
  window.setInterval(() => {
    if (document.visibilityState === 'visible') void page.refresh();
  }, REFRESH_MS);
}

void start();
