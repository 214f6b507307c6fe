import '../styles/desk.css';
import { ApiClient, downloadWithToken, eventPath } from '../lib/api';
import { element } from '../lib/dom';
import { failureText } from '../lib/failureText';
import { loadPageEvent, mountLocaleMenu, presentEvent } from '../lib/pageEvent';
import { forgetToken, givenToken, keepToken } from '../lib/token';
import { usableZone } from '../lib/zonedTime';
import { bindStaticText, bindText } from '../i18n/dom';
import { compareNames } from '../i18n/format';
import { onLocaleChange } from '../i18n/locale';
import { desk } from '../i18n/messages/desk';
import { initLocale } from '../i18n/pageLocale';
import { type DeskSnapshot, DeskApi, type Interest, type Meeting, type Suggestion } from './deskApi';
import { interestStatusText, meetingStatusText, reasonText, whenText, whereText } from './deskText';

type DeskKey = Parameters<typeof desk.t>[0];

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

/** Shows a status in the header, in the page's language. */
function showStatus(key: DeskKey): void {
  bindText(status, () => desk.t(key));
}

/** Shows what went wrong (nothing: ''), again in the new language after a change. */
function showDetail(text: () => string): void {
  bindText(detail, text);
}

/** Pending answers first, then by the delegate's name as the page's language orders names. */
function byStatusAndName(a: Interest, b: Interest): number {
  return Number(b.status === 'pending') - Number(a.status === 'pending') || compareNames(a.delegateName, b.delegateName);
}

/**
 * An element with text. The desk page draws its lists again from its last reading whenever the
 * language changes, so the text is set once per drawing.
 */
function node<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.textContent = text;
  if (className) made.className = className;
  return made;
}

/** The delegate's page: their organisation's meetings (answer, join online), the interest it received (answer), and suggestions (interest, ask for a slot). */
class DeskPage {
  #snapshot: DeskSnapshot | null = null;
  #busy = false;
  /** The event's time zone: meetings are on the venue's clock. */
  zone = 'UTC';

  constructor(
    private readonly eventId: string,
    private readonly api: DeskApi,
  ) {
    onLocaleChange(() => {
      if (this.#snapshot) this.#render(this.#snapshot);
    });
  }

  async refresh(): Promise<void> {
    if (this.#busy) return;
    try {
      this.#snapshot = await this.api.snapshot();
      showStatus('status.upToDate');
      this.#render(this.#snapshot);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** One action at a time; the page reads the desk again after it, whatever the answer. */
  async #act(action: () => Promise<void>, done: DeskKey): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    showDetail(() => '');
    try {
      await action();
      showStatus(done);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#busy = false;
    }
    await this.refresh();
  }

  #fail(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    showDetail(() => failureText(failure));
  }

  #render(snapshot: DeskSnapshot): void {
    const { me, organisations } = snapshot;
    bindText(who, () => desk.t('page.who', { delegate: me.delegate.name, organisation: me.organisation.name }));
    const nameOf = (organisationId: string): string => organisations.get(organisationId)?.name ?? desk.t('organisation.other');
    meetingList.replaceChildren(...snapshot.meetings.map((m) => this.#meetingItem(m, me.delegate.organisationId, nameOf)));
    if (snapshot.meetings.length === 0) meetingList.append(node('li', desk.t('empty.meetings'), 'desk-item'));
    const interests = [...snapshot.interests].sort(byStatusAndName);
    interestList.replaceChildren(...interests.map((i) => this.#interestItem(i, nameOf)));
    if (snapshot.interests.length === 0) interestList.append(node('li', desk.t('empty.interests'), 'desk-item'));
    suggestionList.replaceChildren(...snapshot.suggestions.map((s) => this.#suggestionItem(s, snapshot, nameOf)));
    if (snapshot.suggestions.length === 0) suggestionList.append(node('li', desk.t('empty.suggestions'), 'desk-item'));
  }

  #meetingItem(meeting: Meeting, ownOrganisation: string, nameOf: (id: string) => string): HTMLLIElement {
    const hosting = meeting.hostOrganisationId === ownOrganisation;
    const other = nameOf(hosting ? meeting.guestOrganisationId : meeting.hostOrganisationId);
    const item = node('li', '', 'desk-item');
    item.dataset.meetingId = meeting.id;
    item.dataset.status = meeting.status;
    const whenWhere = desk.t('meeting.whenWhere', { when: whenText(meeting.start, meeting.end, this.zone), where: whereText(meeting) });
    item.append(node('h3', desk.t(hosting ? 'meeting.hosting' : 'meeting.visiting', { organisation: other })), node('p', whenWhere));
    item.append(node('p', meetingStatusText(meeting.status)));
    const actions = node('div', '', 'desk-actions');
    if (meeting.status === 'requested' && hosting)
      actions.append(...this.#answerButtons((action) => this.api.answerMeeting(meeting, action)));
    if (meeting.status === 'accepted' && meeting.mode === 'online') {
      const link = node('a', desk.t('meeting.join'));
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
      node('h3', desk.t('interest.who', { name: interest.delegateName, organisation: nameOf(interest.organisationId) })),
      node(
        'p',
        interest.note
          ? desk.t('interest.inWithNote', { title: interest.targetTitle, note: interest.note })
          : desk.t('interest.in', { title: interest.targetTitle }),
      ),
      node('p', interestStatusText(interest.status)),
    );
    const actions = node('div', '', 'desk-actions');
    if (interest.status === 'pending') actions.append(...this.#answerButtons((action) => this.api.answerInterest(interest, action)));
    item.append(actions);
    return item;
  }

  #answerButtons(answer: (action: 'accept' | 'decline') => Promise<void>): HTMLButtonElement[] {
    return (['accept', 'decline'] as const).map((action) => {
      const button = node('button', desk.t(action === 'accept' ? 'answer.accept' : 'answer.decline'));
      button.type = 'button';
      button.addEventListener('click', () => void this.#act(() => answer(action), 'status.answered'));
      return button;
    });
  }

  #suggestionItem(suggestion: Suggestion, snapshot: DeskSnapshot, nameOf: (id: string) => string): HTMLLIElement {
    const item = node('li', '', 'desk-item');
    item.dataset.targetId = suggestion.id;
    const { sector, score } = suggestion;
    item.append(
      node('h3', desk.t(suggestion.kind === 'achievement' ? 'suggestion.achievement' : 'suggestion.need', { title: suggestion.title })),
      node(
        'p',
        suggestion.organisationId
          ? desk.t('suggestion.metaOwner', { sector, organisation: nameOf(suggestion.organisationId), score })
          : desk.t('suggestion.meta', { sector, score }),
      ),
      node('p', reasonText(suggestion)),
    );
    const actions = node('div', '', 'desk-actions');
    const sent = snapshot.interestedIn.has(suggestion.id);
    const interest = node('button', desk.t(sent ? 'suggestion.sent' : 'suggestion.express'));
    interest.type = 'button';
    interest.disabled = sent;
    interest.addEventListener('click', () => void this.#act(() => this.api.expressInterest(suggestion), 'status.interestSent'));
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
      const ask = node(
        'button',
        desk.t('suggestion.askToMeet', { when: whenText(slot.start, slot.end, this.zone), where: whereText(slot) }),
      );
      ask.type = 'button';
      ask.dataset.slotId = slot.id;
      ask.addEventListener('click', () => void this.#act(() => this.api.requestMeeting(slot, suggestion), 'status.meetingRequested'));
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
  initLocale();
  bindStaticText(document, desk);
  mountLocaleMenu(status.parentElement ?? document.body, status);
  const match = DESK_PATH.exec(window.location.pathname);
  const eventId = match?.[1];
  if (!eventId) {
    showStatus('status.notFound');
    showDetail(() => desk.t('failure.noEvent'));
    return;
  }
  let token: string | null;
  try {
    token = await tokenOf(eventId, match?.[2] !== undefined);
  } catch (error) {
    showStatus('status.notSignedIn');
    const failure = error instanceof Error ? error : new Error(String(error));
    showDetail(() => desk.t('failure.invite', { reason: failureText(failure) }));
    return;
  }
  if (!token) {
    showStatus('status.notSignedIn');
    showDetail(() => desk.t('failure.noToken'));
    return;
  }
  const calendar = element('calendar', HTMLButtonElement);
  calendar.addEventListener('click', () => {
    downloadWithToken(eventPath(eventId, 'desk', 'calendar.ics'), token, `meetings-${eventId}.ics`).catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      showDetail(() => desk.t('calendar.failed', { reason: failureText(failure) }));
    });
  });
  const page = new DeskPage(eventId, new DeskApi(eventId, token, () => forgetToken(eventId)));
  // The event names the clock meetings are on and, for someone whose browser asked for neither of the
  // page's languages, the language to show.
  const found = await loadPageEvent(new ApiClient(token), eventId);
  if (found) {
    page.zone = usableZone(found.event.timezone);
    presentEvent(found, { pageName: () => desk.t('page.title') });
  }
  await page.refresh();
  window.setInterval(() => {
    if (document.visibilityState === 'visible') void page.refresh();
  }, REFRESH_MS);
}

void start();
