import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Principal } from '../../server/auth/tokens';
import { AgendaService } from '../../server/conference/AgendaService';
import { ConferenceBus } from '../../server/conference/ConferenceBus';
import { DEMO_EVENT_ID, seedDemoIfEmpty } from '../../server/conference/demoSeed';
import { QUESTION_MAX_LENGTH, QaService } from '../../server/conference/QaService';
import { serverTimeZone, zonedDate } from '../../server/conference/zonedClock';
import { CreateAchievementDto, CreateEventDto, CreateSessionDto, CreateSpeakerDto, CreateStageDto } from '../../server/http/dto/agenda';
import { SubmitQuestionDto } from '../../server/http/dto/live';
import type { Collection, Store } from '../../server/store';
import { COLLECTION_NAMES, type CollectionName, type Collections, type SessionKind } from '../../server/store/records';
import { SqliteStore } from '../../server/store/SqliteStore';
import { validateDto } from '../../server/validation';
import { startStagecast } from '../helpers/stagecast';

/** The wall clock of `iso` in `timeZone`: `YYYY-MM-DD HH:MM`. */
function wallClock(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** Every record of the demo event, collection by collection, and the seeded questions' votes. */
async function snapshot(store: Store): Promise<string> {
  const records: Record<string, unknown[]> = {};
  for (const name of COLLECTION_NAMES) {
    const scopes =
      name === 'events'
        ? ['']
        : name === 'questions' || name === 'hands'
          ? (await store.collection('sessions').list(DEMO_EVENT_ID)).map((s) => s.id)
          : [DEMO_EVENT_ID];
    const lists = await Promise.all(scopes.map((scope) => (store.collection(name) as Collection<{ id: string }>).list(scope)));
    records[name] = lists.flat().sort((a, b) => a.id.localeCompare(b.id));
  }
  const questionIds = (records.questions as { id: string }[]).map((q) => q.id);
  return JSON.stringify({ records, votes: [...(await store.votes.counts(questionIds))].sort() });
}

/** A store whose events collection refuses the first insert, as a crash right before the last write would leave it. */
function failingFirstEventInsert(store: Store): Store {
  let failed = false;
  return {
    kind: store.kind,
    votes: store.votes,
    bookings: store.bookings,
    outbox: store.outbox,
    ping: () => store.ping(),
    close: () => store.close(),
    collection<C extends CollectionName>(name: C): Collection<Collections[C]> {
      const real = store.collection(name);
      if (name !== 'events') return real;
      return {
        get: (scope, id) => real.get(scope, id),
        list: (scope) => real.list(scope),
        put: (record) => real.put(record),
        delete: (scope, id) => real.delete(scope, id),
        insert: async (record) => {
          if (!failed) {
            failed = true;
            throw new Error('crashed before the event was written');
          }
          return real.insert(record);
        },
      };
    },
  };
}

describe('demo seed: a plausible programme for today', () => {
  let dir: string;
  let n = 0;
  const stores: Store[] = [];

  const newStore = (): Store => {
    const store = new SqliteStore(path.join(dir, `seed-${++n}.db`));
    stores.push(store);
    return store;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-seed-'));
  });

  after(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans every session on today’s date in the server’s time zone, between 09:00 and 17:30, on both stages', async () => {
    const store = newStore();
    const now = new Date();
    assert.equal(await seedDemoIfEmpty(store, now), true);
    const zone = serverTimeZone();
    const event = await store.collection('events').get('', DEMO_EVENT_ID);
    assert.ok(event);
    assert.deepEqual([event.timezone, event.isPublic], [zone, true]);
    const sessions = await store.collection('sessions').list(DEMO_EVENT_ID);
    const today = zonedDate(now, zone);
    for (const session of sessions) {
      assert.equal(wallClock(session.plannedStart, zone).slice(0, 10), today, session.title);
      assert.equal(wallClock(session.plannedEnd, zone).slice(0, 10), today, session.title);
      assert.equal(session.status, 'scheduled');
    }
    const times = sessions.flatMap((s) => [wallClock(s.plannedStart, zone).slice(11), wallClock(s.plannedEnd, zone).slice(11)]).sort();
    assert.deepEqual([times[0], times[times.length - 1]], ['09:00', '17:30']);
    assert.deepEqual([...new Set(sessions.map((s) => s.stageId))].sort(), ['keynote', 'release']);
  });

  it('uses the zone’s date, not UTC’s: 20:30 UTC is already tomorrow in Shanghai', async () => {
    const store = newStore();
    await seedDemoIfEmpty(store, new Date('2026-12-01T20:30:00Z'), 'Asia/Shanghai');
    const sessions = await store.collection('sessions').list(DEMO_EVENT_ID);
    const opening = sessions.find((s) => s.kind === 'speech');
    assert.equal(opening?.plannedStart, '2026-12-02T09:00:00+08:00');
    assert.ok(sessions.every((s) => s.plannedStart.startsWith('2026-12-02T') && s.plannedStart.endsWith('+08:00')));
    assert.equal((await store.collection('events').get('', DEMO_EVENT_ID))?.timezone, 'Asia/Shanghai');
  });

  it('has opening speeches, a keynote, three achievement releases, a panel and a signing, with speakers on site and remote', async () => {
    const store = newStore();
    await seedDemoIfEmpty(store, new Date(), 'Europe/Berlin');
    const sessions = await store.collection('sessions').list(DEMO_EVENT_ID);
    const kinds = (kind: SessionKind): number => sessions.filter((s) => s.kind === kind).length;
    assert.deepEqual(
      {
        speech: kinds('speech'),
        keynote: kinds('keynote'),
        release: kinds('achievement-release'),
        panel: kinds('panel'),
        signing: kinds('signing'),
      },
      { speech: 1, keynote: 1, release: 3, panel: 1, signing: 1 },
    );
    const speakers = await store.collection('speakers').list(DEMO_EVENT_ID);
    const speakerIds = new Set(speakers.map((s) => s.id));
    for (const session of sessions) {
      assert.ok(session.speakerIds.length > 0, `${session.title} has speakers`);
      for (const id of session.speakerIds) assert.ok(speakerIds.has(id), `${session.title}: speaker ${id} exists`);
    }
    assert.deepEqual([...new Set(speakers.map((s) => s.presence))].sort(), ['on-site', 'remote']);
    for (const speaker of speakers) assert.ok(speaker.name && speaker.title && speaker.organisation, speaker.name);
  });

  it('links every achievement to an achievement-release session, and each release presents at least one, with all its details', async () => {
    const store = newStore();
    await seedDemoIfEmpty(store);
    const sessions = await store.collection('sessions').list(DEMO_EVENT_ID);
    const achievements = await store.collection('achievements').list(DEMO_EVENT_ID);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const achievement of achievements) {
      assert.equal(byId.get(achievement.sessionId ?? '')?.kind, 'achievement-release', achievement.title);
      for (const field of ['title', 'institution', 'field', 'summary', 'contact'] as const)
        assert.ok(achievement[field].length > 0, `${achievement.title}: ${field}`);
    }
    for (const release of sessions.filter((s) => s.kind === 'achievement-release')) {
      assert.ok(
        achievements.some((a) => a.sessionId === release.id),
        `${release.title} presents an achievement`,
      );
    }
    assert.equal(new Set(achievements.map((a) => a.institution)).size, 3);
  });

  it('passes the API’s validation: each record as a create request, and each session and achievement saved again through the agenda service', async () => {
    const store = newStore();
    await seedDemoIfEmpty(store, new Date(), 'America/Argentina/Buenos_Aires');
    const event = await store.collection('events').get('', DEMO_EVENT_ID);
    assert.ok(event);
    await validateDto(CreateEventDto, { id: event.id, name: event.name, isPublic: event.isPublic, timezone: event.timezone });
    for (const { id, name } of await store.collection('stages').list(DEMO_EVENT_ID)) await validateDto(CreateStageDto, { id, name });
    for (const { name, title, organisation, presence } of await store.collection('speakers').list(DEMO_EVENT_ID)) {
      await validateDto(CreateSpeakerDto, { name, title, organisation, presence });
    }
    const sessions = await store.collection('sessions').list(DEMO_EVENT_ID);
    for (const { stageId, title, kind, speakerIds, plannedStart, plannedEnd } of sessions) {
      await validateDto(CreateSessionDto, { stageId, title, kind, speakerIds, plannedStart, plannedEnd });
    }
    const achievements = await store.collection('achievements').list(DEMO_EVENT_ID);
    for (const { title, institution, field, summary, contact, sessionId } of achievements) {
      await validateDto(CreateAchievementDto, { title, institution, field, summary, contact, sessionId });
    }
    for (const session of sessions) {
      for (const { text } of await store.collection('questions').list(session.id)) {
        await validateDto(SubmitQuestionDto, { text });
        assert.ok(text.trim().length >= 1 && text.trim().length <= QUESTION_MAX_LENGTH, text);
      }
    }
    // The domain rules: stage exists, speakers exist, end after start, no overlap on a stage, achievements on releases.
    const agenda = new AgendaService(store, new ConferenceBus());
    for (const session of sessions) assert.deepEqual(await agenda.updateSession(DEMO_EVENT_ID, session.id, {}), session);
    for (const achievement of achievements) await agenda.updateAchievement(DEMO_EVENT_ID, achievement.id, {});
    assert.equal((await agenda.agenda(DEMO_EVENT_ID)).length, sessions.length);
  });

  it('gives every session’s Q&A something to show, whatever the hour: approved questions with votes for attendees, pending ones for moderators', async () => {
    const store = newStore();
    await seedDemoIfEmpty(store);
    const bus = new ConferenceBus();
    const agenda = new AgendaService(store, bus);
    const qa = new QaService(store, bus, agenda, { questionsPerMinute: 5, questionsPerNetworkPerMinute: 20, votesPerMinute: 60 });
    const moderator: Principal = {
      id: 'moderator',
      role: 'moderator',
      eventId: DEMO_EVENT_ID,
      name: 'Moderator',
      tokenId: 'moderator-token',
      expiresAtMs: Date.now() + 3_600_000,
      anonymous: false,
    };
    let pending = 0;
    for (const session of await agenda.listSessions(DEMO_EVENT_ID)) {
      const attendee = await qa.list(null, DEMO_EVENT_ID, session.id);
      assert.ok(attendee.length >= 1 && attendee.every((q) => q.status === 'approved'), session.title);
      assert.ok(attendee[0].votes > 0, `${session.title}: the top question has votes`);
      pending += (await qa.list(moderator, DEMO_EVENT_ID, session.id)).filter((q) => q.status === 'pending').length;
    }
    assert.ok(pending > 0, 'moderators have questions waiting');
  });

  it('leaves a store that already has an event alone: a second call writes nothing', async () => {
    const store = newStore();
    assert.equal(await seedDemoIfEmpty(store, new Date('2026-12-01T08:00:00Z')), true);
    const before = await snapshot(store);
    assert.equal(await seedDemoIfEmpty(store, new Date('2026-12-05T08:00:00Z')), false);
    assert.equal(await snapshot(store), before);
  });

  it('a node started with SEED_DEMO=false seeds nothing', async () => {
    const stagecast = await startStagecast({ SEED_DEMO: 'false', MEDIASOUP_NUM_WORKERS: '1' });
    try {
      assert.deepEqual(await stagecast.node.store.collection('events').list(''), []);
    } finally {
      await stagecast.stop();
    }
  });

  it('a crash before the event is written leaves no demo event, and the next boot completes it without a second copy', async () => {
    const store = newStore();
    await assert.rejects(seedDemoIfEmpty(failingFirstEventInsert(store)), /crashed/);
    assert.deepEqual(await store.collection('events').list(''), [], 'no event: the next boot seeds again');
    assert.equal(await seedDemoIfEmpty(store), true);

    const reference = newStore();
    await seedDemoIfEmpty(reference);
    for (const name of ['stages', 'speakers', 'sessions', 'achievements'] as const) {
      assert.equal(
        (await store.collection(name).list(DEMO_EVENT_ID)).length,
        (await reference.collection(name).list(DEMO_EVENT_ID)).length,
        name,
      );
    }
  });
});
