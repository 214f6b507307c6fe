import { AppError } from '../errors';
import type { Store } from '../store';
import type { ProgramAnnouncement, SessionRecord, StageRecord } from '../store/records';
import type { AgendaService } from './AgendaService';
import type { ConferenceBus, LowerThird, ProgramChange } from './ConferenceBus';
import { KeyedLock } from './KeyedLock';
import type { Logger } from '../logger';
import { splitStageKey, stageKey } from '../stageKey';

/** The narrow view of the SFU the programme needs; the composition root wires it to media/. */
export interface ProgramMedia {
  /** Ids of the sources live on the stage now (on whichever node they live). */
  sourceIds(stageKey: string): Promise<string[]>;
  /** Puts the source on air for every viewer of the stage (null: no program, viewers get everything). */
  setProgram(stageKey: string, sourceId: string | null): Promise<void>;
  /** Calls `listener` whenever a stage's media opens on this node (first viewer or source, or rebuilt after a worker died). */
  onStageOpened(listener: (stageKey: string) => void): void;
}

/** On-air control: which session is live on a stage and which source is on air. */
export class ProgramService {
  readonly #lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
    private readonly agenda: AgendaService,
    private readonly media: ProgramMedia,
    logger: Logger,
  ) {
    // A stage's media that opens afresh (after a restart, or on a replacement worker) has no program:
    // the stored one goes back on air, so viewers keep seeing what the host chose.
    const log = logger.child({ module: 'ProgramService' });
    media.onStageOpened((key) => {
      const { eventId, stageId } = splitStageKey(key);
      this.#restore(eventId, stageId).catch((error: unknown) => log.error({ err: error, stage: key }, 'program restore failed'));
    });
  }

  /** The session goes live; whatever was live on its stage before ends. */
  async startSession(eventId: string, sessionId: string): Promise<SessionRecord> {
    const session = await this.agenda.getSession(eventId, sessionId);
    return this.#lock.run(stageKey(eventId, session.stageId), async () => {
      const current = await this.agenda.getSession(eventId, sessionId);
      if (current.status === 'live') return current;
      if (current.status === 'done') throw new AppError('conflict', 'the session is over; schedule a new one');
      const sessions = this.store.collection('sessions');
      let stageWasLive = false;
      for (const other of await this.agenda.listSessions(eventId, current.stageId)) {
        if (other.status !== 'live') continue;
        const ended: SessionRecord = { ...other, status: 'done' };
        await this.bus.commit((outbox) => sessions.put(ended, outbox), {
          event: 'sessionended',
          payload: { session: ended, replaced: true },
        });
        stageWasLive = true;
        this.bus.emit('sessionchanged', ended);
      }
      const live: SessionRecord = { ...current, status: 'live' };
      await this.bus.commit((outbox) => sessions.put(live, outbox), { event: 'sessionstarted', payload: { session: live, stageWasLive } });
      this.bus.emit('sessionchanged', live);
      this.bus.emit('agendachanged', { eventId, stageId: live.stageId });
      // The lower-third follows the session: re-announce the program with the new title. It is derived from
      // the session just stored, so the announcement is its own outbox entry.
      const program = await this.#change(await this.agenda.getStage(eventId, live.stageId));
      await this.bus.commit((outbox) => this.store.outbox.add(outbox), { event: 'programchanged', payload: program });
      return live;
    });
  }

  async endSession(eventId: string, sessionId: string): Promise<SessionRecord> {
    const session = await this.agenda.getSession(eventId, sessionId);
    return this.#lock.run(stageKey(eventId, session.stageId), async () => {
      const current = await this.agenda.getSession(eventId, sessionId);
      if (current.status !== 'live') throw new AppError('conflict', `the session is ${current.status}, not live`);
      const ended: SessionRecord = { ...current, status: 'done' };
      await this.bus.commit((outbox) => this.store.collection('sessions').put(ended, outbox), {
        event: 'sessionended',
        payload: { session: ended, replaced: false },
      });
      this.bus.emit('sessionchanged', ended);
      this.bus.emit('agendachanged', { eventId, stageId: ended.stageId });
      return ended;
    });
  }

  /** Puts a live source of the stage on air, with a lower-third for every viewer. */
  async setProgram(eventId: string, stageId: string, sourceId: string | null, speakerId?: string): Promise<ProgramChange> {
    const key = stageKey(eventId, stageId);
    return this.#lock.run(key, async () => {
      const stage = await this.agenda.getStage(eventId, stageId);
      if (sourceId !== null) {
        const liveSources = await this.media.sourceIds(key);
        if (!liveSources.includes(sourceId))
          throw new AppError('not_found', `no live source ${sourceId} on stage ${stageId}`, { details: { liveSources } });
      }
      if (speakerId !== undefined) await this.agenda.getSpeaker(eventId, speakerId);
      const updated: StageRecord = { ...stage, programSourceId: sourceId, programSpeakerId: speakerId ?? null };
      const change = await this.#change(updated);
      await this.bus.commit(
        async (outbox) => {
          await this.store.collection('stages').put(updated, outbox);
          await this.media.setProgram(key, sourceId);
        },
        { event: 'programchanged', payload: change },
      );
      return change;
    });
  }

  /**
   * Puts a line on air in the lower-third's place (null takes it off). It shows while `sessionId`, live
   * on the stage, stays live: the next session brings back the speakers' lower-third by itself.
   */
  async announce(eventId: string, stageId: string, announcement: ProgramAnnouncement | null): Promise<ProgramChange> {
    return this.#lock.run(stageKey(eventId, stageId), async () => {
      const updated: StageRecord = { ...(await this.agenda.getStage(eventId, stageId)), programAnnouncement: announcement };
      const change = await this.#change(updated);
      await this.bus.commit((outbox) => this.store.collection('stages').put(updated, outbox), { event: 'programchanged', payload: change });
      return change;
    });
  }

  async currentProgram(eventId: string, stageId: string): Promise<ProgramChange> {
    return this.#change(await this.agenda.getStage(eventId, stageId));
  }

  /** Re-applies the stored program to a stage whose media just opened. */
  async #restore(eventId: string, stageId: string): Promise<void> {
    const stage = await this.store.collection('stages').get(eventId, stageId);
    if (stage?.programSourceId) await this.media.setProgram(stageKey(eventId, stageId), stage.programSourceId);
  }

  async #change(stage: StageRecord): Promise<ProgramChange> {
    return {
      eventId: stage.eventId,
      stageId: stage.id,
      sourceId: stage.programSourceId,
      lowerThird: stage.programSourceId === null ? null : await this.#lowerThird(stage),
      changedAt: new Date().toISOString(),
    };
  }

  async #lowerThird(stage: StageRecord): Promise<LowerThird | null> {
    const { current } = await this.agenda.nowAndNext(stage.eventId, stage.id);
    const announcement = stage.programAnnouncement;
    if (announcement && current?.id === announcement.sessionId) {
      return {
        speakerName: announcement.text,
        speakerTitle: '',
        organisation: '',
        sessionTitle: current.title,
        sessionTranslations: current.translations,
        agreement: announcement.agreement,
      };
    }
    const speakerId = stage.programSpeakerId ?? current?.speakerIds[0];
    const speaker = speakerId ? await this.store.collection('speakers').get(stage.eventId, speakerId) : undefined;
    if (!current && !speaker) return null;
    return {
      speakerName: speaker?.name ?? '',
      speakerTitle: speaker?.title ?? '',
      organisation: speaker?.organisation ?? '',
      sessionTitle: current?.title ?? '',
      sessionTranslations: current?.translations,
    };
  }
}
