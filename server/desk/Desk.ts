import type { TokenSigner } from '../auth/tokens';
import type { AgendaService } from '../conference/AgendaService';
import type { ConferenceBus } from '../conference/ConferenceBus';
import type { ProgramService } from '../conference/ProgramService';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { Agreements } from './Agreements';
import { type Clock, systemClock } from './clock';
import { Matchmaking } from './Matchmaking';
import { MeetingReminders } from './MeetingReminders';
import { Meetings } from './Meetings';
import { Needs } from './Needs';
import { Parties } from './Parties';

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
    this.meetings = new Meetings(store, clock, this.reminders);
    this.agreements = new Agreements(store, this.parties, agenda, program, clock);
  }

  /** Arms the reminders of the accepted meetings of every event. */
  async start(): Promise<void> {
    await this.reminders.armAll((await this.#agenda.listEvents()).map((e) => e.id));
  }

  close(): void {
    this.reminders.close();
  }
}
