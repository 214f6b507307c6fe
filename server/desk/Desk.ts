import type { TokenSigner } from '../auth/tokens';
import type { AgendaService } from '../conference/AgendaService';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { ProgramService } from '../conference/ProgramService';
import type { Logger } from '../logger';
import type { Collection, Store } from '../store';
import type { DeskCollections } from '../store/deskRecords';
import { Agreements } from './Agreements';
import { type Clock, systemClock } from './clock';
import { Matchmaking } from './Matchmaking';
import { MeetingReminders } from './MeetingReminders';
import { MeetingRooms } from './MeetingRooms';
import { Meetings } from './Meetings';
import { bookingOf } from './meetingRules';
import { Needs } from './Needs';
import { Parties } from './Parties';

/** Every collection of the desk, each listed by its event. */
const DESK_COLLECTIONS: readonly (keyof DeskCollections)[] = [
  'organisations',
  'delegates',
  'invites',
  'inviteClaims',
  'needs',
  'interests',
  'slots',
  'meetings',
  'reminderClaims',
  'agreements',
  'achievementViews',
];

export interface DeskDeps {
  store: Store;
  signer: TokenSigner;
  agenda: AgendaService;
  program: ProgramService;
  /** Where meeting reminders are announced (the signaling pushes them to the delegates). */
  bus: ConferenceBus;
  logger: Logger;
  clock?: Clock;
}

/** The tech-transfer desk of one node: its services over the store, and the meeting reminders it keeps. */
export class Desk {
  readonly clock: Clock;
  readonly store: Store;
  readonly parties: Parties;
  readonly needs: Needs;
  readonly matchmaking: Matchmaking;
  readonly reminders: MeetingReminders;
  readonly meetings: Meetings;
  /** Who enters an online meeting's room on the SFU, and until when. */
  readonly rooms: MeetingRooms;
  readonly agreements: Agreements;
  readonly #agenda: AgendaService;

  constructor({ store, signer, agenda, program, bus, logger, clock = systemClock }: DeskDeps) {
    const log = logger.child({ module: 'Desk' });
    this.clock = clock;
    this.store = store;
    this.#agenda = agenda;
    this.parties = new Parties(store, signer, clock);
    this.needs = new Needs(store, this.parties, clock);
    this.matchmaking = new Matchmaking(store, clock);
    this.reminders = new MeetingReminders(store, clock, (reminder) => bus.emit('meetingreminder', reminder), log);
    this.meetings = new Meetings(store, clock, this.reminders, (write, meeting) =>
      bus.commit(write, { event: 'meetingchanged', payload: meeting }),
    );
    this.rooms = new MeetingRooms(store, this.parties, clock);
    this.agreements = new Agreements(store, this.parties, agenda, program, clock, (write, agreement) =>
      bus.commit(write, { event: 'agreementrecorded', payload: agreement }),
    );
  }

  /** Arms the reminders of the accepted meetings of every event. */
  async start(): Promise<void> {
    await this.reminders.armAll((await this.#agenda.listEvents()).map((e) => e.id));
  }

  /**
   * Forgets everything the desk holds for an event that is being deleted: accepted meetings' bookings
   * first (so a new event of the same id starts free), then every desk record of the event.
   */
  async forgetEvent(eventId: string): Promise<void> {
    for (const meeting of await this.store.collection('meetings').list(eventId)) {
      this.reminders.cancelled(meeting);
      if (meeting.status === 'accepted') await this.store.bookings.release(bookingOf(meeting), meeting);
    }
    for (const name of DESK_COLLECTIONS) {
      const collection = this.store.collection(name) as Collection<{ id: string }>;
      for (const record of await collection.list(eventId)) await collection.delete(eventId, record.id);
    }
  }

  close(): void {
    this.reminders.close();
  }
}
