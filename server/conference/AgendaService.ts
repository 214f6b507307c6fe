import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import type { Collection, Store } from '../store';
import {
  type AchievementRecord,
  type AudiencePolicy,
  DEFAULT_AUDIENCE_POLICY,
  type EventRecord,
  type SessionRecord,
  type SpeakerRecord,
  type StageRecord,
} from '../store/records';
import type {
  AchievementPatch,
  AgendaItem,
  EventPatch,
  NewAchievement,
  NewEvent,
  NewSession,
  NewSpeaker,
  NewStage,
  NowAndNext,
  SessionPatch,
  SpeakerPatch,
  StagePatch,
} from './agendaTypes';
import type { ConferenceBus } from './ConferenceBus';
import { KeyedLock } from './KeyedLock';
import { stageKey } from '../stageKey';
import { assertStageLanguages } from './stageLanguages';

async function found<T>(lookup: Promise<T | undefined>, what: string): Promise<T> {
  const record = await lookup;
  if (record === undefined) throw new AppError('not_found', `no ${what}`);
  return record;
}

/** A stored policy (or the defaults) with the fields a change names; fields it leaves undefined stay. */
function withAudience(current: AudiencePolicy | undefined, change: Partial<AudiencePolicy> | undefined): AudiencePolicy {
  const named = Object.entries(change ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_AUDIENCE_POLICY, ...current, ...Object.fromEntries(named) };
}

function overlaps(a: Pick<SessionRecord, 'plannedStart' | 'plannedEnd'>, b: Pick<SessionRecord, 'plannedStart' | 'plannedEnd'>): boolean {
  return Date.parse(a.plannedStart) < Date.parse(b.plannedEnd) && Date.parse(b.plannedStart) < Date.parse(a.plannedEnd);
}

function byStart(a: SessionRecord, b: SessionRecord): number {
  return Date.parse(a.plannedStart) - Date.parse(b.plannedStart) || a.title.localeCompare(b.title);
}

/** Events, stages, speakers, achievements and sessions: the programme as planned. */
export class AgendaService {
  readonly #lock = new KeyedLock();
  readonly #events: Collection<EventRecord>;
  readonly #stages: Collection<StageRecord>;
  readonly #sessions: Collection<SessionRecord>;
  readonly #speakers: Collection<SpeakerRecord>;
  readonly #achievements: Collection<AchievementRecord>;

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
    private readonly limits: { stagesPerEvent: number } = { stagesPerEvent: 20 },
  ) {
    this.#events = store.collection('events');
    this.#stages = store.collection('stages');
    this.#sessions = store.collection('sessions');
    this.#speakers = store.collection('speakers');
    this.#achievements = store.collection('achievements');
  }

  // Events

  listEvents(): Promise<EventRecord[]> {
    return this.#events.list('');
  }

  getEvent(eventId: string): Promise<EventRecord> {
    return found(this.#events.get('', eventId), `event ${eventId}`);
  }

  async createEvent(input: NewEvent): Promise<EventRecord> {
    const event: EventRecord = { ...input, audience: withAudience(undefined, input.audience), createdAt: new Date().toISOString() };
    if (!(await this.#events.insert(event))) throw new AppError('conflict', `event ${input.id} already exists`);
    return event;
  }

  async updateEvent(eventId: string, patch: EventPatch): Promise<EventRecord> {
    const current = await this.getEvent(eventId);
    const event = { ...current, ...patch, audience: withAudience(current.audience, patch.audience) };
    await this.#events.put(event);
    return event;
  }

  /** Deletes the event with everything it owns: stages, sessions, speakers, achievements, questions, hands. */
  async deleteEvent(eventId: string): Promise<void> {
    await this.getEvent(eventId);
    for (const session of await this.#sessions.list(eventId)) await this.#deleteSessionData(session);
    for (const collection of [this.#stages, this.#speakers, this.#achievements] as Collection<{ id: string }>[]) {
      for (const record of await collection.list(eventId)) await collection.delete(eventId, record.id);
    }
    await this.#forgetIntegrations(eventId);
    await this.#events.delete('', eventId);
    this.bus.emit('eventdeleted', { eventId });
  }

  /**
   * A deleted event's API keys, encoders' stream keys and webhook endpoints go with it: an event created
   * later under the same id must not inherit a partner's or an encoder's key, or send its changes to the
   * old event's receivers.
   */
  async #forgetIntegrations(eventId: string): Promise<void> {
    const deliveries = this.store.collection('webhookDeliveries');
    for (const endpoint of await this.store.collection('webhookEndpoints').list(eventId)) {
      for (const delivery of await deliveries.list(endpoint.id)) await deliveries.delete(endpoint.id, delivery.id);
      await this.store.collection('webhookEndpoints').delete(eventId, endpoint.id);
    }
    for (const name of ['apiKeys', 'apiKeyUses', 'streamKeys'] as const) {
      const collection = this.store.collection(name) as Collection<{ id: string }>;
      for (const record of await collection.list(eventId)) await collection.delete(eventId, record.id);
    }
  }

  /** What the event lets anonymous participants do (the defaults where it never said). */
  async audience(eventId: string): Promise<AudiencePolicy> {
    return withAudience((await this.getEvent(eventId)).audience, undefined);
  }

  // Stages

  async listStages(eventId: string): Promise<StageRecord[]> {
    await this.getEvent(eventId);
    return (await this.#stages.list(eventId)).sort((a, b) => a.name.localeCompare(b.name));
  }

  getStage(eventId: string, stageId: string): Promise<StageRecord> {
    return found(this.#stages.get(eventId, stageId), `stage ${stageId} in event ${eventId}`);
  }

  async createStage(eventId: string, input: NewStage): Promise<StageRecord> {
    await this.getEvent(eventId);
    // Counted and inserted under the event's lock, so concurrent creations cannot pass the cap together.
    const stage = await this.#lock.run(`stages:${eventId}`, async () => {
      const max = this.limits.stagesPerEvent;
      if ((await this.#stages.list(eventId)).length >= max) throw new AppError('conflict', `an event has at most ${max} stages`);
      assertStageLanguages(input);
      const record: StageRecord = { ...input, eventId, programSourceId: null };
      if (!(await this.#stages.insert(record))) throw new AppError('conflict', `stage ${input.id} already exists`);
      return record;
    });
    this.bus.emit('agendachanged', { eventId, stageId: stage.id });
    return stage;
  }

  async updateStage(eventId: string, stageId: string, patch: StagePatch): Promise<StageRecord> {
    const stage = { ...(await this.getStage(eventId, stageId)), ...patch };
    assertStageLanguages(stage);
    await this.#stages.put(stage);
    this.bus.emit('agendachanged', { eventId, stageId });
    return stage;
  }

  async deleteStage(eventId: string, stageId: string): Promise<void> {
    await this.getStage(eventId, stageId);
    const sessions = (await this.#sessions.list(eventId)).filter((s) => s.stageId === stageId);
    if (sessions.length > 0) {
      throw new AppError('conflict', `stage ${stageId} still has ${sessions.length} session(s)`, {
        details: { sessionIds: sessions.map((s) => s.id) },
      });
    }
    await this.#stages.delete(eventId, stageId);
    this.bus.emit('agendachanged', { eventId, stageId });
  }

  // Speakers

  async listSpeakers(eventId: string): Promise<SpeakerRecord[]> {
    await this.getEvent(eventId);
    return (await this.#speakers.list(eventId)).sort((a, b) => a.name.localeCompare(b.name));
  }

  getSpeaker(eventId: string, speakerId: string): Promise<SpeakerRecord> {
    return found(this.#speakers.get(eventId, speakerId), `speaker ${speakerId}`);
  }

  async createSpeaker(eventId: string, input: NewSpeaker): Promise<SpeakerRecord> {
    await this.getEvent(eventId);
    const speaker: SpeakerRecord = { ...input, id: randomUUID(), eventId };
    await this.#speakers.put(speaker);
    return speaker;
  }

  async updateSpeaker(eventId: string, speakerId: string, patch: SpeakerPatch): Promise<SpeakerRecord> {
    const speaker = { ...(await this.getSpeaker(eventId, speakerId)), ...patch };
    await this.#speakers.put(speaker);
    this.bus.emit('agendachanged', { eventId, stageId: null });
    return speaker;
  }

  async deleteSpeaker(eventId: string, speakerId: string): Promise<void> {
    await this.getSpeaker(eventId, speakerId);
    const using = (await this.#sessions.list(eventId)).filter((s) => s.speakerIds.includes(speakerId));
    if (using.length > 0) {
      throw new AppError('conflict', `speaker is on ${using.length} session(s); remove them there first`, {
        details: { sessionIds: using.map((s) => s.id) },
      });
    }
    await this.#speakers.delete(eventId, speakerId);
  }

  // Achievements

  async listAchievements(eventId: string): Promise<AchievementRecord[]> {
    await this.getEvent(eventId);
    return (await this.#achievements.list(eventId)).sort((a, b) => a.title.localeCompare(b.title));
  }

  getAchievement(eventId: string, achievementId: string): Promise<AchievementRecord> {
    return found(this.#achievements.get(eventId, achievementId), `achievement ${achievementId}`);
  }

  async createAchievement(eventId: string, input: NewAchievement): Promise<AchievementRecord> {
    await this.getEvent(eventId);
    await this.#assertReleaseSession(eventId, input.sessionId);
    await this.#assertTeam(eventId, input);
    const achievement: AchievementRecord = { ...input, id: randomUUID(), eventId };
    await this.#achievements.put(achievement);
    this.bus.emit('agendachanged', { eventId, stageId: null });
    return achievement;
  }

  async updateAchievement(eventId: string, achievementId: string, patch: AchievementPatch): Promise<AchievementRecord> {
    const achievement = { ...(await this.getAchievement(eventId, achievementId)), ...patch };
    await this.#assertReleaseSession(eventId, achievement.sessionId);
    await this.#assertTeam(eventId, achievement);
    await this.#achievements.put(achievement);
    this.bus.emit('agendachanged', { eventId, stageId: null });
    return achievement;
  }

  async deleteAchievement(eventId: string, achievementId: string): Promise<void> {
    await this.getAchievement(eventId, achievementId);
    await this.#achievements.delete(eventId, achievementId);
    this.bus.emit('agendachanged', { eventId, stageId: null });
  }

  // Sessions

  async listSessions(eventId: string, stageId?: string): Promise<SessionRecord[]> {
    await this.getEvent(eventId);
    const sessions = await this.#sessions.list(eventId);
    return sessions.filter((s) => stageId === undefined || s.stageId === stageId).sort(byStart);
  }

  getSession(eventId: string, sessionId: string): Promise<SessionRecord> {
    return found(this.#sessions.get(eventId, sessionId), `session ${sessionId}`);
  }

  async createSession(eventId: string, input: NewSession): Promise<SessionRecord> {
    const session: SessionRecord = { ...input, id: randomUUID(), eventId, status: 'scheduled' };
    return this.#lock.run(stageKey(eventId, session.stageId), async () => {
      await this.#assertPlaceable(session);
      await this.#sessions.put(session);
      this.bus.emit('agendachanged', { eventId, stageId: session.stageId });
      return session;
    });
  }

  async updateSession(eventId: string, sessionId: string, patch: SessionPatch): Promise<SessionRecord> {
    const before = await this.getSession(eventId, sessionId);
    const updated: SessionRecord = { ...before, ...patch };
    // Lock both stages when a session moves, in a fixed order so two moves cannot deadlock.
    const keys = [...new Set([before.stageId, updated.stageId])].sort().map((s) => stageKey(eventId, s));
    const write = async (): Promise<SessionRecord> => {
      await this.#assertPlaceable(updated);
      if (updated.kind !== 'achievement-release') {
        const attached = (await this.#achievements.list(eventId)).filter((a) => a.sessionId === sessionId);
        if (attached.length > 0) {
          throw new AppError(
            'conflict',
            `${attached.length} achievement(s) are attached to this achievement-release session; detach them before changing its kind`,
            {
              details: { achievementIds: attached.map((a) => a.id) },
            },
          );
        }
      }
      await this.#sessions.put(updated);
      this.bus.emit('agendachanged', { eventId, stageId: updated.stageId });
      if (before.stageId !== updated.stageId) this.bus.emit('agendachanged', { eventId, stageId: before.stageId });
      this.bus.emit('sessionchanged', updated);
      return updated;
    };
    return keys.length === 1 ? this.#lock.run(keys[0], write) : this.#lock.run(keys[0], () => this.#lock.run(keys[1], write));
  }

  async deleteSession(eventId: string, sessionId: string): Promise<void> {
    const session = await this.getSession(eventId, sessionId);
    if (session.status === 'live') throw new AppError('conflict', 'the session is live: end it first');
    await this.#deleteSessionData(session);
    this.bus.emit('agendachanged', { eventId, stageId: session.stageId });
  }

  /** Sessions in time order with speakers and achievements spelled out; one stage or the whole event. */
  async agenda(eventId: string, stageId?: string): Promise<AgendaItem[]> {
    if (stageId !== undefined) await this.getStage(eventId, stageId);
    const [sessions, speakers, achievements] = await Promise.all([
      this.listSessions(eventId, stageId),
      this.#speakers.list(eventId),
      this.#achievements.list(eventId),
    ]);
    const speakerById = new Map(speakers.map((s) => [s.id, s]));
    return sessions.map((session) => ({
      ...session,
      speakers: session.speakerIds.flatMap((id) => speakerById.get(id) ?? []),
      achievements: achievements.filter((a) => a.sessionId === session.id),
    }));
  }

  /** The live session of a stage and the next scheduled one. */
  async nowAndNext(eventId: string, stageId: string, now: Date = new Date()): Promise<NowAndNext> {
    const items = await this.agenda(eventId, stageId);
    const current = items.find((s) => s.status === 'live') ?? null;
    const after = current ? Date.parse(current.plannedStart) : now.getTime();
    const next =
      items.find((s) => s.status === 'scheduled' && s !== current && Date.parse(s.plannedStart) >= Math.min(after, now.getTime())) ?? null;
    return { current, next };
  }

  async #assertPlaceable(session: SessionRecord): Promise<void> {
    await this.getStage(session.eventId, session.stageId);
    if (Date.parse(session.plannedEnd) <= Date.parse(session.plannedStart)) {
      throw new AppError('bad_request', 'plannedEnd must be after plannedStart', {
        details: [{ field: 'plannedEnd', problems: ['must be after plannedStart'] }],
      });
    }
    const speakers = new Set((await this.#speakers.list(session.eventId)).map((s) => s.id));
    const unknown = session.speakerIds.filter((id) => !speakers.has(id));
    if (unknown.length > 0) {
      throw new AppError('bad_request', `unknown speaker(s): ${unknown.join(', ')}`, {
        details: [{ field: 'speakerIds', problems: [`unknown: ${unknown.join(', ')}`] }],
      });
    }
    const sameStage = (await this.#sessions.list(session.eventId)).filter((s) => s.stageId === session.stageId && s.id !== session.id);
    const conflicting = sameStage.find((s) => overlaps(s, session));
    if (conflicting) {
      throw new AppError('conflict', `overlaps session "${conflicting.title}" on stage ${session.stageId}`, {
        details: { conflictingSession: conflicting },
      });
    }
  }

  async #assertReleaseSession(eventId: string, sessionId: string | null): Promise<void> {
    if (sessionId === null) return;
    const session = await this.getSession(eventId, sessionId);
    if (session.kind !== 'achievement-release') {
      throw new AppError('bad_request', 'achievements attach to achievement-release sessions only', {
        details: [{ field: 'sessionId', problems: [`session kind is ${session.kind}`] }],
      });
    }
  }

  /** The research team is an organisation of the event, and its contact one of that organisation's delegates. */
  async #assertTeam(eventId: string, team: Pick<AchievementRecord, 'organisationId' | 'contactDelegateId'>): Promise<void> {
    const organisationId = team.organisationId ?? null;
    const contactId = team.contactDelegateId ?? null;
    if (organisationId !== null && !(await this.store.collection('organisations').get(eventId, organisationId))) {
      throw new AppError('bad_request', `no organisation ${organisationId}`, {
        details: [{ field: 'organisationId', problems: ['unknown'] }],
      });
    }
    if (contactId === null) return;
    const contact = await this.store.collection('delegates').get(eventId, contactId);
    if (!contact || contact.organisationId !== organisationId) {
      throw new AppError('bad_request', "the contact must be a delegate of the team's organisation", {
        details: [{ field: 'contactDelegateId', problems: ["not a delegate of the team's organisation"] }],
      });
    }
  }

  async #deleteSessionData(session: SessionRecord): Promise<void> {
    const questions = this.store.collection('questions');
    for (const question of await questions.list(session.id)) await questions.delete(session.id, question.id);
    const hands = this.store.collection('hands');
    for (const hand of await hands.list(session.id)) await hands.delete(session.id, hand.id);
    for (const achievement of await this.#achievements.list(session.eventId)) {
      if (achievement.sessionId === session.id) await this.#achievements.put({ ...achievement, sessionId: null });
    }
    await this.#sessions.delete(session.eventId, session.id);
  }
}
