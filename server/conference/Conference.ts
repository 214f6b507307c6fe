import { ApiKeys } from '../auth/apiKeys';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { AgendaService } from './AgendaService';
import { ConferenceBus } from './ConferenceBus';
import { EventDirectory } from './EventDirectory';
import { HandsService } from './HandsService';
import { type ProgramMedia, ProgramService } from './ProgramService';
import { QaService } from './QaService';
import { type SourceTagger, sourceTagger } from './networkSource';
import { StreamKeys } from './StreamKeys';
import { TokenRevocations } from './TokenRevocations';

export interface ConferenceLimits {
  questionsPerMinute: number;
  questionsPerNetworkPerMinute: number;
  votesPerMinute: number;
  raisesPerMinute: number;
  openHandsPerNetwork: number;
  /** Stages one event may have (each costs an origin router once live). */
  stagesPerEvent: number;
}

/** The conference domain of one node: its services over the store, and the bus they report on. */
export class Conference {
  readonly bus = new ConferenceBus();
  readonly events: EventDirectory;
  readonly agenda: AgendaService;
  readonly program: ProgramService;
  readonly qa: QaService;
  readonly hands: HandsService;
  readonly revocations: TokenRevocations;
  readonly streamKeys: StreamKeys;
  /** Server-to-server API keys (server/auth/apiKeys.ts). */
  readonly apiKeys: ApiKeys;
  /** The network tag of a client address, the same on every node (networkSource.ts). */
  readonly sourceOf: SourceTagger;

  /** `secret`: the deployment's shared secret, from which network tags are keyed. */
  constructor(store: Store, media: ProgramMedia, limits: ConferenceLimits, logger: Logger, secret: string) {
    this.sourceOf = sourceTagger(secret);
    this.events = new EventDirectory(store);
    this.agenda = new AgendaService(store, this.bus, { stagesPerEvent: limits.stagesPerEvent });
    this.program = new ProgramService(store, this.bus, this.agenda, media, logger);
    this.qa = new QaService(store, this.bus, this.agenda, limits);
    this.hands = new HandsService(store, this.bus, this.agenda, limits);
    this.revocations = new TokenRevocations(store, this.bus);
    this.streamKeys = new StreamKeys(store);
    this.apiKeys = new ApiKeys(store, this.bus);
  }
}
