import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AgendaItem, NewAchievement, NewSession, NewSpeaker, NowAndNext } from '../../../server/conference/agendaTypes';
import type { AchievementRecord, EventRecord, SessionRecord, SpeakerRecord, StageRecord } from '../../../server/store/records';
import { ApiClient, badFields, failed, ok } from '../../helpers/api';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

const EVENT = '/api/events/demo';

/** A planned time on 2031-03-0<day> at hh:mm UTC (far from now, so "now" never interferes). */
function at(day: number, hhmm: string): string {
  return `2031-03-${String(day).padStart(2, '0')}T${hhmm}:00Z`;
}

function sessionBody(
  stageId: string,
  title: string,
  start: string,
  end: string,
  extra: Partial<SessionRecord> = {},
): Record<string, unknown> {
  return { stageId, title, kind: 'keynote', speakerIds: [], plannedStart: start, plannedEnd: end, ...extra };
}

/** Every editable field of a session with some changed: a full PATCH body. */
function sessionPatch(session: SessionRecord, changes: Partial<NewSession>): NewSession {
  const { stageId, title, kind, speakerIds, plannedStart, plannedEnd } = session;
  return { stageId, title, kind, speakerIds, plannedStart, plannedEnd, ...changes };
}

function speakerPatch(speaker: SpeakerRecord, changes: Partial<NewSpeaker>): NewSpeaker {
  const { name, title, organisation, presence } = speaker;
  return { name, title, organisation, presence, ...changes };
}

function achievementPatch(achievement: AchievementRecord, changes: Partial<NewAchievement>): NewAchievement {
  const { title, institution, field, summary, contact, sessionId } = achievement;
  return { title, institution, field, summary, contact, sessionId, ...changes };
}

const speakerBody = { name: 'Grace Hopper', title: 'Rear Admiral', organisation: 'US Navy', presence: 'remote' };

function achievementBody(sessionId: string | null, title = 'Graphene membranes'): Record<string, unknown> {
  return {
    title,
    institution: 'Nanyang Institute of Technology',
    field: 'materials',
    summary: 'Cheap desalination',
    contact: 'tt@nyist.example',
    sessionId,
  };
}

describe('REST agenda: events, stages, speakers, achievements, sessions', function () {
  this.timeout(30_000);
  let stop: () => Promise<void>;
  let anonymous: ApiClient;
  let platform: ApiClient;
  let host: ApiClient;
  let stageCount = 0;

  /** A fresh stage of the demo event, so each spec plans on an empty stage. */
  async function newStage(): Promise<string> {
    const id = `t-stage-${++stageCount}`;
    ok<StageRecord>(await host.post(`${EVENT}/stages`, { id, name: `Test stage ${stageCount}` }), 201);
    return id;
  }

  async function newSession(body: Record<string, unknown>): Promise<SessionRecord> {
    return ok<SessionRecord>(await host.post(`${EVENT}/sessions`, body), 201);
  }

  async function newSpeaker(name = 'Ada Lovelace'): Promise<SpeakerRecord> {
    return ok<SpeakerRecord>(await host.post(`${EVENT}/speakers`, { ...speakerBody, name }), 201);
  }

  async function sessionIds(): Promise<string[]> {
    return ok<SessionRecord[]>(await anonymous.get(`${EVENT}/sessions`))
      .map((s) => s.id)
      .sort();
  }

  before(async () => {
    // Each test opens stages of its own in the demo event: more than MAX_STAGES_PER_EVENT's default.
    const started = await startStagecast({ MAX_STAGES_PER_EVENT: '1000' });
    stop = started.stop;
    anonymous = new ApiClient(started.url);
    platform = anonymous.as(tokenFor('admin', '*'));
    host = anonymous.as(tokenFor('host'));
  });

  after(async () => {
    await stop();
  });

  describe('events (admin)', () => {
    it('an admin creates, reads, lists, updates and deletes an event', async () => {
      const created = ok<EventRecord>(
        await platform.post('/api/events', {
          id: 'fair-2031',
          name: 'Tech Achievement Fair 2031',
          isPublic: true,
          timezone: 'Asia/Shanghai',
        }),
        201,
      );
      assert.equal(created.id, 'fair-2031');
      assert.equal(created.timezone, 'Asia/Shanghai');
      assert.ok(!Number.isNaN(Date.parse(created.createdAt)));

      assert.deepEqual(ok<EventRecord>(await anonymous.get('/api/events/fair-2031')), created);
      assert.deepEqual(
        ok<EventRecord[]>(await anonymous.get('/api/events'))
          .map((e) => e.id)
          .sort(),
        ['demo', 'fair-2031'],
      );

      // Managing an event takes an admin token of that event.
      const fairAdmin = anonymous.as(tokenFor('admin', 'fair-2031'));
      const renamed = ok<EventRecord>(
        await fairAdmin.patch('/api/events/fair-2031', { name: 'Fair 2031 (Nanyang)', isPublic: true, timezone: 'Asia/Shanghai' }),
      );
      assert.deepEqual(renamed, { ...created, name: 'Fair 2031 (Nanyang)' });
      // A partial PATCH keeps what it does not name.
      assert.deepEqual(ok(await fairAdmin.patch('/api/events/fair-2031', { name: 'x' })), { ...created, name: 'x' });
      assert.equal(ok<EventRecord>(await anonymous.get('/api/events/fair-2031')).name, 'x');

      ok(await fairAdmin.delete('/api/events/fair-2031'), 204);
      failed(await anonymous.get('/api/events/fair-2031'), 404, 'not_found');
      assert.deepEqual(
        ok<EventRecord[]>(await anonymous.get('/api/events')).map((e) => e.id),
        ['demo'],
      );
    });

    it('deleting an event deletes its stages, speakers and sessions with it', async () => {
      ok(await platform.post('/api/events', { id: 'gone', name: 'Gone soon', isPublic: true, timezone: 'UTC' }), 201);
      const goneAdmin = anonymous.as(tokenFor('admin', 'gone'));
      ok(await goneAdmin.post('/api/events/gone/stages', { id: 'hall', name: 'Hall' }), 201);
      const speaker = ok<SpeakerRecord>(await goneAdmin.post('/api/events/gone/speakers', speakerBody), 201);
      ok(
        await goneAdmin.post(
          '/api/events/gone/sessions',
          sessionBody('hall', 'Opening', at(1, '09:00'), at(1, '10:00'), { speakerIds: [speaker.id] }),
        ),
        201,
      );

      ok(await goneAdmin.delete('/api/events/gone'), 204);
      ok(await platform.post('/api/events', { id: 'gone', name: 'Back again', isPublic: true, timezone: 'UTC' }), 201);
      assert.deepEqual(ok<unknown[]>(await anonymous.get('/api/events/gone/stages')), []);
      assert.deepEqual(ok<unknown[]>(await anonymous.get('/api/events/gone/speakers')), []);
      assert.deepEqual(ok<unknown[]>(await anonymous.get('/api/events/gone/sessions')), []);
      ok(await goneAdmin.delete('/api/events/gone'), 204);
    });

    it('refuses an event id that exists with 409 conflict', async () => {
      failed(await platform.post('/api/events', { id: 'demo', name: 'Another demo', isPublic: true, timezone: 'UTC' }), 409, 'conflict');
      assert.equal(ok<EventRecord>(await anonymous.get('/api/events/demo')).name, 'Tech Achievement Fair — Demo');
    });

    it('a 400 names each bad field of an event and creates nothing', async () => {
      const reply = await platform.post('/api/events', {
        id: 'Not A Slug',
        name: '',
        isPublic: 'yes',
        timezone: 'Mars Time!',
        venue: 'hall 3',
      });
      assert.deepEqual(badFields(reply), ['id', 'isPublic', 'name', 'timezone', 'venue']);
      assert.deepEqual(
        ok<EventRecord[]>(await anonymous.get('/api/events')).map((e) => e.id),
        ['demo'],
      );
    });

    it('answers 404 for an unknown event', async () => {
      failed(await anonymous.get('/api/events/no-such-event'), 404, 'not_found');
      failed(await anonymous.get('/api/events/no-such-event/agenda'), 404, 'not_found');
      failed(await anonymous.as(tokenFor('admin', 'no-such-event')).patch('/api/events/no-such-event', { name: 'x' }), 404, 'not_found');
      failed(await anonymous.as(tokenFor('admin', 'no-such-event')).delete('/api/events/no-such-event'), 404, 'not_found');
    });
  });

  describe('stages', () => {
    it('a host creates, reads, lists, renames and deletes a stage', async () => {
      const stage = ok<StageRecord>(await host.post(`${EVENT}/stages`, { id: 'side-hall', name: 'Side hall' }), 201);
      assert.deepEqual(stage, { id: 'side-hall', eventId: 'demo', name: 'Side hall', programSourceId: null });
      assert.deepEqual(ok<StageRecord>(await anonymous.get(`${EVENT}/stages/side-hall`)), stage);
      assert.ok(ok<StageRecord[]>(await anonymous.get(`${EVENT}/stages`)).some((s) => s.id === 'side-hall'));

      assert.equal(ok<StageRecord>(await host.patch(`${EVENT}/stages/side-hall`, { name: 'Side hall B' })).name, 'Side hall B');
      assert.equal(ok<StageRecord>(await anonymous.get(`${EVENT}/stages/side-hall`)).name, 'Side hall B');

      ok(await host.delete(`${EVENT}/stages/side-hall`), 204);
      failed(await anonymous.get(`${EVENT}/stages/side-hall`), 404, 'not_found');
      assert.ok(!ok<StageRecord[]>(await anonymous.get(`${EVENT}/stages`)).some((s) => s.id === 'side-hall'));
    });

    it('refuses a stage id that exists, and a stage with bad fields', async () => {
      failed(await host.post(`${EVENT}/stages`, { id: 'keynote', name: 'Second keynote' }), 409, 'conflict');
      assert.deepEqual(badFields(await host.post(`${EVENT}/stages`, { id: '-bad', name: '' })), ['id', 'name']);
      assert.deepEqual(
        badFields(await host.patch(`${EVENT}/stages/keynote`, { id: 'renamed' })),
        ['id'],
        'the id of a stage cannot be patched',
      );
      assert.equal(ok<StageRecord>(await anonymous.get(`${EVENT}/stages/keynote`)).name, 'Main hall — keynotes');
    });

    it('refuses to delete a stage that still has sessions (409, naming them)', async () => {
      const stageId = await newStage();
      const session = await newSession(sessionBody(stageId, 'Holds the stage', at(2, '09:00'), at(2, '10:00')));
      const error = failed(await host.delete(`${EVENT}/stages/${stageId}`), 409, 'conflict');
      assert.deepEqual(error.details, { sessionIds: [session.id] });
      ok(await anonymous.get(`${EVENT}/stages/${stageId}`));
    });

    it('answers 404 for an unknown stage', async () => {
      failed(await anonymous.get(`${EVENT}/stages/nowhere`), 404, 'not_found');
      failed(await host.patch(`${EVENT}/stages/nowhere`, { name: 'x' }), 404, 'not_found');
      failed(await host.delete(`${EVENT}/stages/nowhere`), 404, 'not_found');
      failed(await anonymous.get(`${EVENT}/stages/nowhere/now`), 404, 'not_found');
      failed(await anonymous.get(`${EVENT}/agenda?stageId=nowhere`), 404, 'not_found');
    });
  });

  describe('speakers', () => {
    it('a host creates, reads, lists, updates and deletes a speaker', async () => {
      const speaker = await newSpeaker('Katherine Johnson');
      assert.match(speaker.id, /^[0-9a-f-]{36}$/);
      assert.equal(speaker.eventId, 'demo');
      assert.deepEqual(ok<SpeakerRecord>(await anonymous.get(`${EVENT}/speakers/${speaker.id}`)), speaker);
      assert.ok(ok<SpeakerRecord[]>(await anonymous.get(`${EVENT}/speakers`)).some((s) => s.id === speaker.id));

      const updated = ok<SpeakerRecord>(
        await host.patch(`${EVENT}/speakers/${speaker.id}`, speakerPatch(speaker, { presence: 'on-site', organisation: 'NASA' })),
      );
      assert.deepEqual(updated, { ...speaker, presence: 'on-site', organisation: 'NASA' });
      assert.deepEqual(ok<SpeakerRecord>(await anonymous.get(`${EVENT}/speakers/${speaker.id}`)), updated);
      assert.deepEqual(ok(await host.patch(`${EVENT}/speakers/${speaker.id}`, { presence: 'remote' })), { ...updated, presence: 'remote' });
      assert.equal(ok<SpeakerRecord[]>(await anonymous.get(`${EVENT}/speakers`)).find((s) => s.id === speaker.id)?.name, speaker.name);

      ok(await host.delete(`${EVENT}/speakers/${speaker.id}`), 204);
      failed(await anonymous.get(`${EVENT}/speakers/${speaker.id}`), 404, 'not_found');
    });

    it('a 400 names each bad field of a speaker', async () => {
      assert.deepEqual(badFields(await host.post(`${EVENT}/speakers`, { name: '', title: 'x', organisation: 'y', presence: 'hologram' })), [
        'name',
        'presence',
      ]);
      assert.deepEqual(badFields(await host.post(`${EVENT}/speakers`, { name: 'No title' })), ['organisation', 'presence', 'title']);
    });

    it('refuses to delete a speaker a session uses (409, naming the session)', async () => {
      const stageId = await newStage();
      const speaker = await newSpeaker('Hedy Lamarr');
      const session = await newSession(
        sessionBody(stageId, 'Frequency hopping', at(3, '09:00'), at(3, '10:00'), { speakerIds: [speaker.id] }),
      );
      const error = failed(await host.delete(`${EVENT}/speakers/${speaker.id}`), 409, 'conflict');
      assert.deepEqual(error.details, { sessionIds: [session.id] });
      ok(await anonymous.get(`${EVENT}/speakers/${speaker.id}`));

      // Once no session uses the speaker any more, the speaker can go.
      ok(await host.patch(`${EVENT}/sessions/${session.id}`, sessionPatch(session, { speakerIds: [] })));
      ok(await host.delete(`${EVENT}/speakers/${speaker.id}`), 204);
    });

    it('answers 404 for an unknown speaker, and 400 for a speaker id that is not a UUID', async () => {
      const unknown = randomUUID();
      failed(await anonymous.get(`${EVENT}/speakers/${unknown}`), 404, 'not_found');
      failed(await host.patch(`${EVENT}/speakers/${unknown}`, { name: 'x' }), 404, 'not_found');
      failed(await host.delete(`${EVENT}/speakers/${unknown}`), 404, 'not_found');
      assert.deepEqual(badFields(await anonymous.get(`${EVENT}/speakers/not-a-uuid`)), ['speakerId']);
    });
  });

  describe('sessions', () => {
    it('a host creates, reads, lists, updates and deletes a session', async () => {
      const stageId = await newStage();
      const speaker = await newSpeaker('Tu Youyou');
      const session = await newSession(
        sessionBody(stageId, 'Artemisinin', at(4, '09:00'), at(4, '10:00'), { kind: 'report', speakerIds: [speaker.id] }),
      );
      assert.equal(session.status, 'scheduled');
      assert.equal(session.eventId, 'demo');
      assert.deepEqual(session.speakerIds, [speaker.id]);

      assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)), session);
      assert.ok(ok<SessionRecord[]>(await anonymous.get(`${EVENT}/sessions`)).some((s) => s.id === session.id));

      const changes = { title: 'Artemisinin, 50 years on', plannedEnd: at(4, '10:30') };
      const updated = ok<SessionRecord>(await host.patch(`${EVENT}/sessions/${session.id}`, sessionPatch(session, changes)));
      assert.deepEqual(updated, { ...session, ...changes });
      assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)), updated);
      assert.deepEqual(ok(await host.patch(`${EVENT}/sessions/${session.id}`, { title: 'x' })), { ...updated, title: 'x' });

      ok(await host.delete(`${EVENT}/sessions/${session.id}`), 204);
      failed(await anonymous.get(`${EVENT}/sessions/${session.id}`), 404, 'not_found');
      assert.ok(!(await sessionIds()).includes(session.id));
    });

    it('a 400 names each bad field (empty title, unknown kind, speakerIds not UUIDs, plannedStart without a zone, an unknown field) and stores nothing', async () => {
      const stageId = await newStage();
      const before = await sessionIds();
      const reply = await host.post(`${EVENT}/sessions`, {
        stageId,
        title: '',
        kind: 'lecture',
        speakerIds: ['ada', 42],
        plannedStart: '2031-03-05T09:00:00',
        plannedEnd: at(5, '10:00'),
        room: 'B12',
      });
      assert.deepEqual(badFields(reply), ['kind', 'plannedStart', 'room', 'speakerIds', 'title']);
      assert.deepEqual(await sessionIds(), before);

      assert.deepEqual(badFields(await host.post(`${EVENT}/sessions`, {})), [
        'kind',
        'plannedEnd',
        'plannedStart',
        'speakerIds',
        'stageId',
        'title',
      ]);
      assert.deepEqual(await sessionIds(), before);
    });

    it('a PATCH with bad fields answers 400 naming them and changes nothing', async () => {
      const stageId = await newStage();
      const session = await newSession(sessionBody(stageId, 'Unchanged', at(5, '09:00'), at(5, '10:00')));
      const reply = await host.patch(`${EVENT}/sessions/${session.id}`, {
        title: '',
        kind: 'lecture',
        plannedEnd: 'tomorrow',
        status: 'live',
      });
      assert.deepEqual(badFields(reply), ['kind', 'plannedEnd', 'status', 'title']);
      assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)), session);
    });

    it('refuses plannedEnd before (or at) plannedStart with 400, on create and on update', async () => {
      const stageId = await newStage();
      const before = await sessionIds();
      assert.deepEqual(badFields(await host.post(`${EVENT}/sessions`, sessionBody(stageId, 'Backwards', at(6, '10:00'), at(6, '09:00')))), [
        'plannedEnd',
      ]);
      assert.deepEqual(
        badFields(await host.post(`${EVENT}/sessions`, sessionBody(stageId, 'Zero length', at(6, '10:00'), at(6, '10:00')))),
        ['plannedEnd'],
      );
      assert.deepEqual(await sessionIds(), before);

      const session = await newSession(sessionBody(stageId, 'Forwards', at(6, '10:00'), at(6, '11:00')));
      assert.deepEqual(
        badFields(await host.patch(`${EVENT}/sessions/${session.id}`, sessionPatch(session, { plannedStart: at(6, '12:00') }))),
        ['plannedEnd'],
      );
      assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)), session);
    });

    it('refuses speakerIds that are UUIDs of no speaker with 400 naming speakerIds', async () => {
      const stageId = await newStage();
      const before = await sessionIds();
      const ghost = randomUUID();
      const error = failed(
        await host.post(`${EVENT}/sessions`, sessionBody(stageId, 'Ghost talk', at(7, '09:00'), at(7, '10:00'), { speakerIds: [ghost] })),
        400,
        'bad_request',
      );
      assert.deepEqual(
        (error.details as { field: string }[]).map((d) => d.field),
        ['speakerIds'],
      );
      assert.match(error.message, new RegExp(ghost));
      assert.deepEqual(await sessionIds(), before);
    });

    it('answers 404 for an unknown session, and for a session on an unknown stage', async () => {
      const unknown = randomUUID();
      failed(await anonymous.get(`${EVENT}/sessions/${unknown}`), 404, 'not_found');
      failed(await host.patch(`${EVENT}/sessions/${unknown}`, { title: 'x' }), 404, 'not_found');
      failed(await host.delete(`${EVENT}/sessions/${unknown}`), 404, 'not_found');
      failed(await host.post(`${EVENT}/sessions/${unknown}/start`), 404, 'not_found');
      failed(await host.post(`${EVENT}/sessions/${unknown}/end`), 404, 'not_found');
      const before = await sessionIds();
      failed(
        await host.post(`${EVENT}/sessions`, sessionBody('no-such-stage', 'Nowhere', at(7, '11:00'), at(7, '12:00'))),
        404,
        'not_found',
      );
      assert.deepEqual(await sessionIds(), before);
    });

    describe('one stage, one session at a time', () => {
      it('refuses an overlapping session on the same stage with 409 and details.conflictingSession', async () => {
        const stageId = await newStage();
        const first = await newSession(sessionBody(stageId, 'First', at(8, '09:00'), at(8, '10:00')));
        const before = await sessionIds();
        for (const [start, end] of [
          [at(8, '09:30'), at(8, '10:30')],
          [at(8, '08:30'), at(8, '09:01')],
          [at(8, '08:00'), at(8, '11:00')],
          [at(8, '09:15'), at(8, '09:45')],
        ] as const) {
          const error = failed(await host.post(`${EVENT}/sessions`, sessionBody(stageId, 'Overlapping', start, end)), 409, 'conflict');
          assert.deepEqual((error.details as { conflictingSession: SessionRecord }).conflictingSession, first, `${start}–${end}`);
        }
        assert.deepEqual(await sessionIds(), before);
      });

      it('compares times in different zones as instants', async () => {
        const stageId = await newStage();
        const first = await newSession(sessionBody(stageId, 'In UTC', at(9, '01:00'), at(9, '02:00')));
        // 09:30+08:00 is 01:30Z: inside the first session.
        const error = failed(
          await host.post(
            `${EVENT}/sessions`,
            sessionBody(stageId, 'In Beijing time', '2031-03-09T09:30:00+08:00', '2031-03-09T10:30:00+08:00'),
          ),
          409,
          'conflict',
        );
        assert.equal((error.details as { conflictingSession: SessionRecord }).conflictingSession.id, first.id);
        // 10:00+08:00 is 02:00Z: it touches the first session's end.
        await newSession(sessionBody(stageId, 'Right after, in Beijing time', '2031-03-09T10:00:00+08:00', '2031-03-09T11:00:00+08:00'));
      });

      it('accepts touching sessions (end == next start) and the same times on another stage', async () => {
        const stageA = await newStage();
        const stageB = await newStage();
        const first = await newSession(sessionBody(stageA, 'First', at(10, '09:00'), at(10, '10:00')));
        const second = await newSession(sessionBody(stageA, 'Second', at(10, '10:00'), at(10, '11:00')));
        const before = await newSession(sessionBody(stageA, 'Before', at(10, '08:00'), at(10, '09:00')));
        const parallel = await newSession(sessionBody(stageB, 'Parallel', at(10, '09:00'), at(10, '10:00')));
        const ids = await sessionIds();
        for (const s of [first, second, before, parallel]) assert.ok(ids.includes(s.id));
      });

      it('refuses a PATCH that moves a session onto another one’s time, or onto a stage where it overlaps', async () => {
        const stageA = await newStage();
        const stageB = await newStage();
        const a1 = await newSession(sessionBody(stageA, 'A1', at(11, '09:00'), at(11, '10:00')));
        const a2 = await newSession(sessionBody(stageA, 'A2', at(11, '10:00'), at(11, '11:00')));
        const b1 = await newSession(sessionBody(stageB, 'B1', at(11, '09:30'), at(11, '10:30')));

        // Same stage, new time overlapping A1.
        let error = failed(
          await host.patch(`${EVENT}/sessions/${a2.id}`, sessionPatch(a2, { plannedStart: at(11, '09:30') })),
          409,
          'conflict',
        );
        assert.deepEqual((error.details as { conflictingSession: SessionRecord }).conflictingSession, a1);
        // Same time, moved to stage B where B1 runs then.
        error = failed(await host.patch(`${EVENT}/sessions/${a1.id}`, sessionPatch(a1, { stageId: stageB })), 409, 'conflict');
        assert.deepEqual((error.details as { conflictingSession: SessionRecord }).conflictingSession, b1);
        // Both at once: B1 moved to stage A over A1 and A2.
        error = failed(await host.patch(`${EVENT}/sessions/${b1.id}`, sessionPatch(b1, { stageId: stageA })), 409, 'conflict');
        assert.ok([a1.id, a2.id].includes((error.details as { conflictingSession: SessionRecord }).conflictingSession.id));

        for (const s of [a1, a2, b1])
          assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${s.id}`)), s, `${s.title} unchanged`);

        // A session does not conflict with itself, and may move to a free slot of another stage.
        const longer = ok<SessionRecord>(await host.patch(`${EVENT}/sessions/${a2.id}`, sessionPatch(a2, { plannedEnd: at(11, '11:30') })));
        assert.equal(longer.plannedEnd, at(11, '11:30'));
        const moved = ok<SessionRecord>(
          await host.patch(`${EVENT}/sessions/${a2.id}`, sessionPatch(longer, { stageId: stageB, plannedStart: at(11, '10:30') })),
        );
        assert.deepEqual(moved, { ...longer, stageId: stageB, plannedStart: at(11, '10:30') });
        assert.deepEqual(
          ok<AgendaItem[]>(await anonymous.get(`${EVENT}/agenda?stageId=${stageB}`)).map((s) => s.title),
          ['B1', 'A2'],
        );
      });

      it('refuses a PATCH onto a stage that does not exist with 404', async () => {
        const stageId = await newStage();
        const session = await newSession(sessionBody(stageId, 'Stays', at(12, '09:00'), at(12, '10:00')));
        failed(await host.patch(`${EVENT}/sessions/${session.id}`, sessionPatch(session, { stageId: 'no-such-stage' })), 404, 'not_found');
        assert.deepEqual(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)), session);
      });
    });
  });

  describe('achievements', () => {
    it('a host creates, reads, lists, updates and deletes an achievement of an achievement-release session', async () => {
      const stageId = await newStage();
      const release = await newSession(
        sessionBody(stageId, 'University releases', at(13, '09:00'), at(13, '10:00'), { kind: 'achievement-release' }),
      );
      const achievement = ok<AchievementRecord>(await host.post(`${EVENT}/achievements`, achievementBody(release.id)), 201);
      assert.equal(achievement.sessionId, release.id);
      assert.equal(achievement.eventId, 'demo');
      assert.deepEqual(ok<AchievementRecord>(await anonymous.get(`${EVENT}/achievements/${achievement.id}`)), achievement);
      assert.ok(ok<AchievementRecord[]>(await anonymous.get(`${EVENT}/achievements`)).some((a) => a.id === achievement.id));

      const updated = ok<AchievementRecord>(
        await host.patch(
          `${EVENT}/achievements/${achievement.id}`,
          achievementPatch(achievement, { summary: 'Desalination at a tenth of the cost', sessionId: null }),
        ),
      );
      assert.deepEqual(updated, { ...achievement, summary: 'Desalination at a tenth of the cost', sessionId: null });

      ok(await host.delete(`${EVENT}/achievements/${achievement.id}`), 204);
      failed(await anonymous.get(`${EVENT}/achievements/${achievement.id}`), 404, 'not_found');
    });

    it('attaches only to achievement-release sessions (400 naming sessionId), on create and on update', async () => {
      const stageId = await newStage();
      const keynote = await newSession(sessionBody(stageId, 'Not a release', at(14, '09:00'), at(14, '10:00'), { kind: 'keynote' }));
      const before = ok<AchievementRecord[]>(await anonymous.get(`${EVENT}/achievements`)).length;
      assert.deepEqual(badFields(await host.post(`${EVENT}/achievements`, achievementBody(keynote.id))), ['sessionId']);
      assert.equal(ok<AchievementRecord[]>(await anonymous.get(`${EVENT}/achievements`)).length, before);

      const loose = ok<AchievementRecord>(await host.post(`${EVENT}/achievements`, achievementBody(null, 'Unscheduled result')), 201);
      assert.deepEqual(
        badFields(await host.patch(`${EVENT}/achievements/${loose.id}`, achievementPatch(loose, { sessionId: keynote.id }))),
        ['sessionId'],
      );
      assert.equal(ok<AchievementRecord>(await anonymous.get(`${EVENT}/achievements/${loose.id}`)).sessionId, null);

      failed(await host.post(`${EVENT}/achievements`, achievementBody(randomUUID())), 404, 'not_found');
      assert.deepEqual(badFields(await host.post(`${EVENT}/achievements`, { ...achievementBody('not-a-uuid'), title: '' })), [
        'sessionId',
        'title',
      ]);

      // A release session with achievements cannot silently become a keynote.
      const release = await newSession(sessionBody(stageId, 'Release', at(14, '11:00'), at(14, '12:00'), { kind: 'achievement-release' }));
      ok(await host.post(`${EVENT}/achievements`, achievementBody(release.id)), 201);
      failed(await host.patch(`${EVENT}/sessions/${release.id}`, { kind: 'keynote' }), 409, 'conflict');
    });

    it('deleting a session detaches its achievements instead of deleting them', async () => {
      const stageId = await newStage();
      const release = await newSession(
        sessionBody(stageId, 'Short-lived release', at(15, '09:00'), at(15, '10:00'), { kind: 'achievement-release' }),
      );
      const achievement = ok<AchievementRecord>(
        await host.post(`${EVENT}/achievements`, achievementBody(release.id, 'Survives its session')),
        201,
      );
      ok(await host.delete(`${EVENT}/sessions/${release.id}`), 204);
      assert.equal(ok<AchievementRecord>(await anonymous.get(`${EVENT}/achievements/${achievement.id}`)).sessionId, null);
    });

    it('answers 404 for an unknown achievement', async () => {
      const unknown = randomUUID();
      failed(await anonymous.get(`${EVENT}/achievements/${unknown}`), 404, 'not_found');
      failed(await host.patch(`${EVENT}/achievements/${unknown}`, { title: 'x' }), 404, 'not_found');
      failed(await host.delete(`${EVENT}/achievements/${unknown}`), 404, 'not_found');
    });
  });

  describe('the agenda view', () => {
    it('lists sessions in time order with speakers and achievements spelled out, for the event or one stage', async () => {
      const stageA = await newStage();
      const stageB = await newStage();
      const ada = await newSpeaker('Ada Lovelace');
      const alan = await newSpeaker('Alan Turing');
      // Created out of order, on two stages, in two zones.
      const late = await newSession(sessionBody(stageA, 'Late', at(20, '15:00'), at(20, '16:00'), { speakerIds: [alan.id, ada.id] }));
      const early = await newSession(
        sessionBody(stageA, 'Early', '2031-03-20T17:00:00+08:00', '2031-03-20T18:00:00+08:00', { speakerIds: [ada.id] }),
      );
      const middle = await newSession(sessionBody(stageB, 'Middle', at(20, '12:00'), at(20, '13:00'), { kind: 'achievement-release' }));
      const achievement = ok<AchievementRecord>(await host.post(`${EVENT}/achievements`, achievementBody(middle.id, 'Quantum dots')), 201);

      const all = ok<AgendaItem[]>(await anonymous.get(`${EVENT}/agenda`));
      const starts = all.map((s) => Date.parse(s.plannedStart));
      assert.deepEqual(
        starts,
        [...starts].sort((x, y) => x - y),
        'the whole agenda is in time order',
      );
      const mine = all.filter((s) => [late.id, early.id, middle.id].includes(s.id));
      assert.deepEqual(
        mine.map((s) => s.title),
        ['Early', 'Middle', 'Late'],
      );
      assert.deepEqual(mine[0].speakers, [ada]);
      assert.deepEqual(mine[1].achievements, [achievement]);
      assert.deepEqual(mine[1].speakers, []);
      assert.deepEqual(mine[2].speakers, [alan, ada], 'speakers in the order the session lists them');
      assert.deepEqual(mine[2].achievements, []);

      const onA = ok<AgendaItem[]>(await anonymous.get(`${EVENT}/agenda?stageId=${stageA}`));
      assert.deepEqual(
        onA.map((s) => s.title),
        ['Early', 'Late'],
      );
      assert.ok(onA.every((s) => s.stageId === stageA));
      assert.deepEqual(badFields(await anonymous.get(`${EVENT}/agenda?stageId=Not%20a%20slug`)), ['stageId']);
    });
  });

  describe('running the programme', () => {
    it('start puts a session live and ends the one live before on the same stage only; now gives current and next', async () => {
      const stageId = await newStage();
      const otherStage = await newStage();
      const speaker = await newSpeaker('Chien-Shiung Wu');
      const opening = await newSession(
        sessionBody(stageId, 'Opening', at(21, '09:00'), at(21, '09:30'), { kind: 'speech', speakerIds: [speaker.id] }),
      );
      const keynote = await newSession(sessionBody(stageId, 'Keynote', at(21, '09:30'), at(21, '10:30')));
      const signing = await newSession(sessionBody(stageId, 'Signing', at(21, '10:30'), at(21, '11:00'), { kind: 'signing' }));
      const elsewhere = await newSession(sessionBody(otherStage, 'Elsewhere', at(21, '09:00'), at(21, '10:00')));

      let now = ok<NowAndNext>(await anonymous.get(`${EVENT}/stages/${stageId}/now`));
      assert.equal(now.current, null);
      assert.equal(now.next?.id, opening.id);

      ok(await host.post(`${EVENT}/sessions/${elsewhere.id}/start`));
      const live = ok<SessionRecord>(await host.post(`${EVENT}/sessions/${opening.id}/start`));
      assert.equal(live.status, 'live');
      now = ok<NowAndNext>(await anonymous.get(`${EVENT}/stages/${stageId}/now`));
      assert.equal(now.current?.id, opening.id);
      assert.deepEqual(now.current?.speakers, [speaker], 'current is an agenda item with speakers spelled out');
      assert.equal(now.next?.id, keynote.id);

      assert.equal(
        ok<SessionRecord>(await host.post(`${EVENT}/sessions/${opening.id}/start`)).status,
        'live',
        'starting a live session again is harmless',
      );
      ok(await host.post(`${EVENT}/sessions/${keynote.id}/start`));
      assert.equal(
        ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${opening.id}`)).status,
        'done',
        'the session live before on the stage ended',
      );
      assert.equal(
        ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${elsewhere.id}`)).status,
        'live',
        'another stage is left alone',
      );
      now = ok<NowAndNext>(await anonymous.get(`${EVENT}/stages/${stageId}/now`));
      assert.equal(now.current?.id, keynote.id);
      assert.equal(now.next?.id, signing.id);

      const ended = ok<SessionRecord>(await host.post(`${EVENT}/sessions/${keynote.id}/end`));
      assert.equal(ended.status, 'done');
      now = ok<NowAndNext>(await anonymous.get(`${EVENT}/stages/${stageId}/now`));
      assert.equal(now.current, null);
      assert.equal(now.next?.id, signing.id);

      failed(await host.post(`${EVENT}/sessions/${keynote.id}/end`), 409, 'conflict');
      failed(await host.post(`${EVENT}/sessions/${signing.id}/end`), 409, 'conflict');
      failed(await host.post(`${EVENT}/sessions/${opening.id}/start`), 409, 'conflict');
      ok(await host.post(`${EVENT}/sessions/${elsewhere.id}/end`));
    });

    it('refuses to delete a live session (409) and deletes it once it has ended', async () => {
      const stageId = await newStage();
      const session = await newSession(sessionBody(stageId, 'On air', at(22, '09:00'), at(22, '10:00')));
      ok(await host.post(`${EVENT}/sessions/${session.id}/start`));
      failed(await host.delete(`${EVENT}/sessions/${session.id}`), 409, 'conflict');
      assert.equal(ok<SessionRecord>(await anonymous.get(`${EVENT}/sessions/${session.id}`)).status, 'live');
      ok(await host.post(`${EVENT}/sessions/${session.id}/end`));
      ok(await host.delete(`${EVENT}/sessions/${session.id}`), 204);
      failed(await anonymous.get(`${EVENT}/sessions/${session.id}`), 404, 'not_found');
    });
  });

  describe('who may read', () => {
    it('reads of a public event need no token', async () => {
      const stageId = await newStage();
      await newSession(sessionBody(stageId, 'Public talk', at(23, '09:00'), at(23, '10:00')));
      for (const path of [
        EVENT,
        `${EVENT}/stages`,
        `${EVENT}/stages/keynote`,
        `${EVENT}/speakers`,
        `${EVENT}/achievements`,
        `${EVENT}/sessions`,
        `${EVENT}/agenda`,
        `${EVENT}/agenda?stageId=${stageId}`,
        `${EVENT}/stages/${stageId}/now`,
      ]) {
        ok(await anonymous.get(path));
      }
      assert.equal(ok<AgendaItem[]>(await anonymous.get(`${EVENT}/agenda?stageId=${stageId}`))[0]?.title, 'Public talk');
    });

    it('a private event answers reads without a token, or with a token of another event, as an unknown one (404)', async () => {
      ok(await platform.post('/api/events', { id: 'board', name: 'Board meeting', isPublic: false, timezone: 'UTC' }), 201);
      const boardAdmin = anonymous.as(tokenFor('admin', 'board'));
      ok(await boardAdmin.post('/api/events/board/stages', { id: 'room', name: 'Board room' }), 201);
      const session = ok<SessionRecord>(
        await boardAdmin.post('/api/events/board/sessions', sessionBody('room', 'Budget', at(24, '09:00'), at(24, '10:00'))),
        201,
      );

      const paths = [
        '/api/events/board',
        '/api/events/board/stages',
        '/api/events/board/stages/room',
        '/api/events/board/speakers',
        '/api/events/board/achievements',
        '/api/events/board/sessions',
        `/api/events/board/sessions/${session.id}`,
        '/api/events/board/agenda',
        '/api/events/board/stages/room/now',
      ];
      const outsider = anonymous.as(tokenFor('admin', 'demo'));
      const member = anonymous.as(tokenFor('attendee', 'board'));
      for (const path of paths) {
        const unknown = failed(await anonymous.get(path.replace('/board', '/no-such-board')), 404, 'not_found').message;
        assert.equal(failed(await anonymous.get(path), 404, 'not_found').message, unknown.replace('no-such-board', 'board'));
        assert.equal(failed(await outsider.get(path), 404, 'not_found').message, 'no event board');
        ok(await member.get(path));
      }
      assert.equal(ok<AgendaItem[]>(await member.get('/api/events/board/agenda'))[0]?.title, 'Budget');

      // The event list shows a private event only to holders of its tokens.
      assert.ok(!ok<EventRecord[]>(await anonymous.get('/api/events')).some((e) => e.id === 'board'));
      assert.ok(!ok<EventRecord[]>(await outsider.get('/api/events')).some((e) => e.id === 'board'));
      assert.ok(ok<EventRecord[]>(await member.get('/api/events')).some((e) => e.id === 'board'));
    });
  });
});
