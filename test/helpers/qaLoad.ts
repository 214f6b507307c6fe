import type { ClientToServerEvents, ErrorCode, ProgramChange, QuestionView } from '../../signaling/contract';
import { type AckDataOf, type ClientSocket, connect, rawRequest } from '../../scripts/lib/signalingClient';
import { Prng } from './fuzz/prng';

/** What became of one request: acknowledged, refused, or lost with the connection (no ack ever came). */
export type Outcome<T> = { kind: 'ok'; data: T; at: number } | { kind: 'refused'; code: ErrorCode } | { kind: 'lost' };

/**
 * One signaling connection whose requests resolve as an `Outcome`: a request still unanswered when the
 * connection drops (the server was killed, say) resolves as `lost` instead of hanging.
 */
export class Connection {
  readonly #dropped: Promise<{ kind: 'lost' }>;
  /** Requests sent and not answered yet. */
  inFlight = 0;

  private constructor(readonly socket: ClientSocket) {
    this.#dropped = new Promise((resolve) => socket.once('disconnect', () => resolve({ kind: 'lost' })));
  }

  static async open(url: string, token: string): Promise<Connection> {
    return new Connection(await connect(url, token));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  async send<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Outcome<AckDataOf<E>>> {
    if (!this.socket.connected) return { kind: 'lost' };
    this.inFlight++;
    try {
      const answered = rawRequest(this.socket, event, payload).then((response): Outcome<AckDataOf<E>> =>
        response.ok ? { kind: 'ok', data: response.data as AckDataOf<E>, at: Date.now() } : { kind: 'refused', code: response.error.code },
      );
      return await Promise.race([answered, this.#dropped]);
    } finally {
      this.inFlight--;
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** The data of an acknowledged request; throws with `what` otherwise. */
export async function must<T>(outcome: Promise<Outcome<T>>, what: string): Promise<T> {
  const result = await outcome;
  if (result.kind !== 'ok') throw new Error(`${what}: ${result.kind === 'refused' ? `refused (${result.code})` : 'lost'}`);
  return result.data;
}

/** Request outcomes other than success, by error code (and `lost`). */
export type Failures = Map<string, number>;

function countFailure(failures: Failures, outcome: Outcome<unknown>): void {
  const key = outcome.kind === 'refused' ? outcome.code : outcome.kind;
  failures.set(key, (failures.get(key) ?? 0) + 1);
}

export interface AckedWrite {
  at: number;
}

/**
 * An attendee of the Q&A load: joins the stage, subscribes to the session, then alternates as fast as
 * its acks come back between asking a question and upvoting someone else's approved question, and keeps
 * a record of every write and what became of it. Its token (and so its participant id) outlives a
 * connection: after a server restart it joins again as the same participant.
 */
export class QaAttendee {
  readonly name: string;
  readonly token: string;
  participantId = '';
  /** The peer id of the latest join (a resume after a restart must find it gone). */
  peerId = '';
  connection: Connection | null = null;
  /** Texts of every question this attendee sent, acknowledged or not. */
  readonly askedTexts = new Set<string>();
  /** Acknowledged questions: id → what the ack answered. */
  readonly ackedQuestions = new Map<string, QuestionView & AckedWrite>();
  /** Questions this attendee sent an upvote for, acknowledged or not. */
  readonly votedFor = new Set<string>();
  /** Questions whose upvote by this attendee was acknowledged, with the ack's time. */
  readonly ackedVotes = new Map<string, AckedWrite>();
  readonly failures: Failures = new Map();
  /** Others' approved questions not voted for yet. */
  readonly #votable = new Set<string>();
  readonly #prng: Prng;
  #asked = 0;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    readonly index: number,
    tokenFor: (name: string) => string,
  ) {
    this.name = `Attendee ${index}`;
    this.token = tokenFor(this.name);
    this.#prng = new Prng(index + 1);
  }

  /**
   * Connects, tries to resume the previous peer session if there was one (answering what became of
   * that), joins the stage and subscribes to the session; answers the join's program and the Q&A list.
   * On any failure the connection is closed again, so a caller may simply retry.
   */
  async enter(
    url: string,
    stageId: string,
    sessionId: string,
  ): Promise<{ resumed: string | null; program: ProgramChange; questions: QuestionView[] }> {
    const connection = await Connection.open(url, this.token);
    try {
      connection.socket.on('questionUpdated', (q) => this.#heard(q));
      let resumed: string | null = null;
      if (this.peerId) {
        const outcome = await connection.send('resume', { peerId: this.peerId });
        resumed = outcome.kind === 'refused' ? outcome.code : outcome.kind;
      }
      const joined = await must(connection.send('join', { stageId }), `${this.name}: join`);
      this.participantId = joined.participantId;
      this.peerId = joined.peerId;
      const subscribed = await must(connection.send('subscribeSession', { sessionId }), `${this.name}: subscribeSession`);
      this.connection = connection;
      for (const q of subscribed.questions) this.#heard(q);
      return { resumed, program: joined.program, questions: subscribed.questions };
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** Starts the write loop; it ends on `stop()` or when the connection drops. */
  start(sessionId: string): void {
    this.#running = true;
    this.#loop = this.#run(sessionId);
  }

  /** Stops the loop and resolves once its last request has an outcome. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Resolves once the write loop has ended by itself (the connection dropped). */
  ended(): Promise<void> {
    return this.#loop;
  }

  /** When the earliest write acknowledged at or after `since` was acknowledged; null if none was. */
  firstAckSince(since: number): number | null {
    const times = [...this.ackedQuestions.values(), ...this.ackedVotes.values()].map((w) => w.at).filter((at) => at >= since);
    return times.length > 0 ? Math.min(...times) : null;
  }

  async #run(sessionId: string): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new Error(`${this.name} is not connected`);
    let voteTurn = false;
    while (this.#running && connection.connected) {
      voteTurn = !voteTurn;
      const target = voteTurn ? this.#pickVotable() : undefined;
      if (target !== undefined) {
        this.votedFor.add(target);
        const outcome = await connection.send('upvoteQuestion', { sessionId, questionId: target });
        if (outcome.kind === 'ok') this.ackedVotes.set(target, { at: outcome.at });
        else countFailure(this.failures, outcome);
      } else {
        const text = `Question ${this.#asked++} from attendee ${this.index}: what does the result mean for industry?`;
        this.askedTexts.add(text);
        const outcome = await connection.send('submitQuestion', { sessionId, text });
        if (outcome.kind === 'ok') this.ackedQuestions.set(outcome.data.id, { ...outcome.data, at: outcome.at });
        else countFailure(this.failures, outcome);
      }
    }
  }

  #pickVotable(): string | undefined {
    if (this.#votable.size === 0) return undefined;
    const pick = [...this.#votable][this.#prng.int(this.#votable.size)];
    this.#votable.delete(pick);
    return pick;
  }

  #heard(question: QuestionView): void {
    if (question.status !== 'approved' || this.ackedQuestions.has(question.id) || this.votedFor.has(question.id)) return;
    this.#votable.add(question.id);
  }
}

/**
 * A moderator who approves every pending question of the session as soon as it hears of it, and
 * catches up on the queue whenever asked. Records which approvals were acknowledged.
 */
export class QaModerator {
  connection: Connection | null = null;
  readonly ackedApprovals = new Set<string>();
  readonly failures: Failures = new Map();
  readonly #pending = new Set<Promise<void>>();

  constructor(readonly token: string) {}

  async enter(url: string, sessionId: string): Promise<void> {
    const connection = await Connection.open(url, this.token);
    try {
      connection.socket.on('questionUpdated', (q) => {
        if (q.status === 'pending') this.#approve(connection, sessionId, q.id);
      });
      this.connection = connection;
      await this.catchUp(sessionId);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** Approves whatever is still pending in the session's queue, and waits for every approval sent so far. */
  async catchUp(sessionId: string): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new Error('the moderator is not connected');
    const queue = await must(connection.send('subscribeSession', { sessionId }), 'moderator: subscribeSession');
    for (const q of queue.questions) if (q.status === 'pending') this.#approve(connection, sessionId, q.id);
    await this.settled();
  }

  /** Resolves once every approval sent so far has an outcome (not those sent meanwhile). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  #approve(connection: Connection, sessionId: string, questionId: string): void {
    const sent = connection.send('moderateQuestion', { sessionId, questionId, action: 'approve' }).then((outcome) => {
      if (outcome.kind === 'ok') this.ackedApprovals.add(questionId);
      else countFailure(this.failures, outcome);
      this.#pending.delete(sent);
    });
    this.#pending.add(sent);
  }
}
