import assert from 'node:assert/strict';
import ical, { type VEvent } from 'node-ical';
import type { AchievementView } from '../../../server/desk/achievementViews';
import type { AgreementView } from '../../../server/desk/Agreements';
import type { Suggestion } from '../../../server/desk/Matchmaking';
import type { InterestRecord, MeetingRecord, NeedRecord, OrganisationRecord, SlotRecord } from '../../../server/store/deskRecords';
import { waitFor } from '../../../scripts/lib/wait';
import type { MeetingReminder } from '../../../server/conference/views';
import { ApiClient, failed, ok } from '../../helpers/api';
import { RedisServer } from '../../helpers/redis';
import { connect, startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';
import { createOrganisation, DESK, type Delegate, inviteDelegate, slotTime } from './deskParties';

const EVENT = '/api/events/demo';

for (const kind of ['sqlite', 'redis'] as const) {
  describe(`The tech-transfer desk over REST (${kind} store)`, function () {
    this.timeout(60_000);
    const teardown = new Teardown();
    let url: string;
    let anonymous: ApiClient;
    let host: ApiClient;
    let university: OrganisationRecord;
    let institute: OrganisationRecord;
    let company: OrganisationRecord;
    let investor: OrganisationRecord;
    /** Delegates: two of the university, one of the institute, one of the company, one of the investor. */
    let u1: Delegate, u2: Delegate, i1: Delegate, e1: Delegate, f1: Delegate;
    let achievementId: string;

    async function publish(delegate: Delegate, slots: object[]): Promise<SlotRecord[]> {
      return ok<SlotRecord[]>(await delegate.api.post(`${DESK}/slots`, { slots }), 201);
    }

    async function request(delegate: Delegate, slot: SlotRecord, extra: object = {}): Promise<MeetingRecord> {
      return ok<MeetingRecord>(await delegate.api.post(`${DESK}/meetings`, { slotId: slot.id, ...extra }), 201);
    }

    function answer(delegate: Delegate, meeting: MeetingRecord, action: 'accept' | 'decline'): ReturnType<ApiClient['post']> {
      return delegate.api.post(`${DESK}/meetings/${meeting.id}/answer`, { action });
    }

    before(async () => {
      let env: Record<string, string> = {};
      if (kind === 'redis') {
        const redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
        env = { STORE: 'redis', REDIS_URL: redis.url };
      }
      const started = teardown.own('the node', await startStagecast(env), (s) => s.stop());
      url = started.url;
      anonymous = new ApiClient(url);
      host = anonymous.as(tokenFor('host'));
      university = await createOrganisation(host, 'Nanyang Institute of Technology', 'university', ['Optoelectronic information']);
      institute = await createOrganisation(host, 'Henan Academy of Sciences', 'institute', ['intelligent equipment manufacturing']);
      company = await createOrganisation(host, 'Zhongyuan Optics Co.', 'enterprise', ['optoelectronic information']);
      investor = await createOrganisation(host, 'Funiu Capital', 'investor', ['new materials']);
      u1 = await inviteDelegate(host, anonymous, university, 'Prof. Li Wei', ['optoelectronic information']);
      u2 = await inviteDelegate(host, anonymous, university, 'Dr. Zhao Min');
      i1 = await inviteDelegate(host, anonymous, institute, 'Dr. Sun Hao');
      e1 = await inviteDelegate(host, anonymous, company, 'Chen Jing', ['optoelectronic information']);
      f1 = await inviteDelegate(host, anonymous, investor, 'Wang Lei');
    });

    after(() => teardown.run());

    it('an invite link works once; the delegate it makes acts for its organisation', async () => {
      const invite = ok<{ code: string; link: string; expiresAt: string }>(
        await host.post(`${DESK}/invites`, { organisationId: company.id, name: 'Liu Yang', expiresInHours: 1 }),
        201,
      );
      assert.ok(invite.link.endsWith(`#${invite.code}`), 'the code rides in the fragment');
      assert.ok(Date.parse(invite.expiresAt) - Date.now() <= 3_600_000);
      const first = ok<{ token: string }>(await anonymous.post(`${DESK}/invites/accept`, { code: invite.code }), 201);
      failed(await anonymous.post(`${DESK}/invites/accept`, { code: invite.code }), 409, 'conflict');
      const me = ok<{ delegate: { name: string }; organisation: OrganisationRecord }>(
        await anonymous.as(first.token).get(`${DESK}/delegates/me`),
      );
      assert.deepEqual([me.delegate.name, me.organisation.id], ['Liu Yang', company.id]);
      failed(await anonymous.post(`${DESK}/invites/accept`, { code: 'A'.repeat(43) }), 404, 'not_found');
      failed(await e1.api.post(`${DESK}/invites`, { organisationId: company.id, name: 'Self invited' }), 403, 'forbidden');
    });

    it("an achievement carries the desk's fields, its team and contact, and its release session", async () => {
      const session = ok<{ id: string }>(
        await host.post(`${EVENT}/sessions`, {
          stageId: 'release',
          title: `Release (${kind})`,
          kind: 'achievement-release',
          speakerIds: [],
          plannedStart: '2034-03-01T09:00:00+08:00',
          plannedEnd: '2034-03-01T09:30:00+08:00',
        }),
        201,
      );
      const body = {
        title: '高精度激光雷达检测技术',
        institution: university.name,
        field: 'photonics',
        summary: '面向工业检测的激光雷达与光电传感技术，已完成中试。',
        contact: 'li.wei@example.edu',
        sessionId: session.id,
        sector: 'optoelectronic information',
        maturity: 7,
        ipStatus: 'patent-granted',
        transferModes: ['licence', 'joint-development'],
        organisationId: university.id,
        contactDelegateId: u1.id,
      };
      failed(await host.post(`${EVENT}/achievements`, { ...body, contactDelegateId: e1.id }), 400, 'bad_request');
      failed(await host.post(`${EVENT}/achievements`, { ...body, maturity: 10 }), 400, 'bad_request');
      achievementId = ok<{ id: string }>(await host.post(`${EVENT}/achievements`, body), 201).id;
      const listed = ok<AchievementView[]>(await anonymous.get(`${EVENT}/achievements`)).find((a) => a.id === achievementId);
      assert.ok(listed);
      assert.deepEqual(
        [listed.maturity, listed.ipStatus, listed.transferModes, listed.organisationId],
        [7, 'patent-granted', ['licence', 'joint-development'], university.id],
      );
      assert.deepEqual(listed.release, {
        sessionId: session.id,
        title: `Release (${kind})`,
        plannedStart: '2034-03-01T09:00:00+08:00',
        status: 'scheduled',
        replayUrl: null,
      });
    });

    it('enterprises post needs; a university may not', async () => {
      const need = {
        title: '产线激光检测',
        sector: 'Optoelectronic Information',
        problem: '需要激光雷达检测方案，用于精密零件的在线检测',
        budgetMin: 500_000,
        budgetMax: 2_000_000,
        currency: 'CNY',
        wantedBy: '2027-06-30',
        maturityWanted: 6,
      };
      const posted = ok<NeedRecord>(await e1.api.post(`${DESK}/needs`, need), 201);
      assert.equal(posted.sector, 'optoelectronic information');
      failed(await u1.api.post(`${DESK}/needs`, need), 403, 'forbidden');
      failed(await e1.api.post(`${DESK}/needs`, { ...need, budgetMax: 1 }), 400, 'bad_request');
      assert.ok(ok<NeedRecord[]>(await anonymous.get(`${DESK}/needs`)).some((n) => n.id === posted.id));
    });

    it('suggests the achievement to the company, explaining its score by sector, words in common (Chinese) and maturity', async () => {
      const suggestions = ok<Suggestion[]>(await e1.api.get(`${DESK}/matches`));
      const top = suggestions.find((s) => s.id === achievementId);
      assert.ok(top, `the achievement is among ${JSON.stringify(suggestions.map((s) => s.title))}`);
      assert.deepEqual(
        top.reasons.map((r) => r.factor),
        ['sector', 'words', 'maturity'],
      );
      assert.match(top.reason, /words in common: .*激光/);
      assert.match(top.reason, /TRL 7, wanted 6/);
      assert.equal(
        top.score,
        top.reasons.reduce((sum, r) => sum + r.points, 0),
      );
      // The university sees the company's need the other way round; never its own achievement.
      const forTeam = ok<Suggestion[]>(await u1.api.get(`${DESK}/matches`));
      assert.ok(forTeam.some((s) => s.kind === 'need'));
      assert.ok(!forTeam.some((s) => s.id === achievementId));
    });

    it('the owning team answers an interest; a delegate of another organisation may not', async () => {
      const interest = ok<InterestRecord>(
        await e1.api.post(`${DESK}/interests`, { target: { kind: 'achievement', id: achievementId }, note: 'Licence for our line?' }),
        201,
      );
      const again = ok<InterestRecord>(await e1.api.post(`${DESK}/interests`, { target: { kind: 'achievement', id: achievementId } }), 201);
      assert.equal(again.id, interest.id, 'one interest per delegate and target');
      failed(await i1.api.post(`${DESK}/interests/${interest.id}/answer`, { action: 'accept' }), 403, 'forbidden');
      failed(await e1.api.post(`${DESK}/interests/${interest.id}/answer`, { action: 'accept' }), 403, 'forbidden');
      const received = ok<{ received: InterestRecord[] }>(await u2.api.get(`${DESK}/interests`)).received;
      assert.deepEqual(
        received.map((i) => [i.id, i.status]),
        [[interest.id, 'pending']],
      );
      const answered = ok<InterestRecord>(
        await u2.api.post(`${DESK}/interests/${interest.id}/answer`, { action: 'accept', note: 'Gladly' }),
      );
      assert.deepEqual([answered.status, answered.answeredBy], ['accepted', u2.id]);
      failed(await u1.api.post(`${DESK}/interests/${interest.id}/answer`, { action: 'decline' }), 409, 'conflict');
    });

    it('of 20 concurrent requests and acceptances for one slot, exactly one is accepted and 19 are conflicts', async () => {
      const [slot] = await publish(u1, [{ ...slotTime(1), mode: 'online' }]);
      const guests = await Promise.all(Array.from({ length: 20 }, (_, i) => inviteDelegate(host, anonymous, investor, `Guest ${i}`)));
      const outcomes = await Promise.all(
        guests.map(async (guest) => {
          const requested = await guest.api.post(`${DESK}/meetings`, { slotId: slot.id });
          if (requested.status === 409) return 'conflict';
          const answered = await answer(u1, ok<MeetingRecord>(requested, 201), 'accept');
          if (answered.status === 409) return 'conflict';
          return ok<MeetingRecord>(answered).status;
        }),
      );
      assert.deepEqual([outcomes.filter((o) => o === 'accepted').length, outcomes.filter((o) => o === 'conflict').length], [1, 19]);
      const onSlot = ok<MeetingRecord[]>(await host.get(`${DESK}/meetings`)).filter((m) => m.slotId === slot.id);
      assert.equal(onSlot.filter((m) => m.status === 'accepted').length, 1);
      assert.ok(
        ok<(SlotRecord & { taken: boolean })[]>(await anonymous.get(`${DESK}/slots?organisationId=${university.id}`)).find(
          (s) => s.id === slot.id,
        )?.taken,
      );
    });

    it("refuses a delegate's second meeting at an overlapping time, and a table booked twice", async () => {
      const [atTable] = await publish(u1, [{ ...slotTime(3), mode: 'on-site', table: 'T7' }]);
      const [online] = await publish(i1, [{ ...slotTime(3.25), mode: 'online' }]);
      const first = await request(e1, atTable);
      const second = await request(e1, online);
      ok(await answer(u1, first, 'accept'));
      assert.match(failed(await answer(i1, second, 'accept'), 409, 'conflict').message, /guest already has a meeting/);
      failed(await e1.api.post(`${DESK}/meetings`, { slotId: online.id }), 409, 'conflict');
      // Another delegate of the university at the same table, overlapping: the table is taken.
      const [sameTable] = await publish(u2, [{ ...slotTime(3.1), mode: 'on-site', table: 'T7' }]);
      const third = await request(f1, sameTable);
      assert.match(failed(await answer(u2, third, 'accept'), 409, 'conflict').message, /table T7/);
      // A slot must be shaped right.
      failed(await u1.api.post(`${DESK}/slots`, { slots: [{ ...slotTime(9), mode: 'on-site' }] }), 400, 'bad_request');
      failed(await u1.api.post(`${DESK}/slots`, { slots: [{ ...slotTime(3), mode: 'online' }] }), 409, 'conflict');
    });

    it('a meeting cancelled with a note frees its slot and its delegates', async () => {
      const [slot] = await publish(u1, [{ ...slotTime(5), mode: 'on-site', table: 'T2' }]);
      const meeting = await request(e1, slot);
      ok(await answer(u1, meeting, 'accept'));
      failed(await i1.api.post(`${DESK}/meetings/${meeting.id}/cancel`, { note: 'Not mine' }), 403, 'forbidden');
      const cancelled = ok<MeetingRecord>(await e1.api.post(`${DESK}/meetings/${meeting.id}/cancel`, { note: 'Train delayed' }));
      assert.deepEqual([cancelled.status, cancelled.cancelNote, cancelled.cancelledBy], ['cancelled', 'Train delayed', e1.id]);
      const retaken = await request(f1, slot);
      assert.equal(ok<MeetingRecord>(await answer(u1, retaken, 'accept')).status, 'accepted');
    });

    it('deleting an event deletes its desk: a new event of the same id starts with no organisation and no booking', async () => {
      const platform = anonymous.as(tokenFor('admin', '*'));
      const admin = anonymous.as(tokenFor('admin', 'fair-2'));
      const event = { id: 'fair-2', name: 'Second fair', isPublic: true, timezone: 'UTC' };
      const desk = '/api/events/fair-2/desk';
      const bookOnce = async (): Promise<void> => {
        ok(await platform.post('/api/events', event), 201);
        const team = ok<OrganisationRecord>(await admin.post(`${desk}/organisations`, { name: 'Team', kind: 'university' }), 201);
        const buyer = ok<OrganisationRecord>(await admin.post(`${desk}/organisations`, { name: 'Buyer', kind: 'enterprise' }), 201);
        const join = async (organisationId: string, name: string): Promise<ApiClient> => {
          const { code } = ok<{ code: string }>(await admin.post(`${desk}/invites`, { organisationId, name }), 201);
          return anonymous.as(ok<{ token: string }>(await anonymous.post(`${desk}/invites/accept`, { code }), 201).token);
        };
        const [seller, guest] = [await join(team.id, 'Seller'), await join(buyer.id, 'Guest')];
        const [slot] = ok<SlotRecord[]>(
          await seller.post(`${desk}/slots`, { slots: [{ ...slotTime(2), mode: 'on-site', table: 'A1' }] }),
          201,
        );
        const meeting = ok<MeetingRecord>(await guest.post(`${desk}/meetings`, { slotId: slot.id }), 201);
        assert.equal(
          ok<MeetingRecord>(await seller.post(`${desk}/meetings/${meeting.id}/answer`, { action: 'accept' })).status,
          'accepted',
        );
      };
      await bookOnce();
      ok(await admin.delete('/api/events/fair-2'), 204);
      await bookOnce();
      assert.deepEqual(
        ok<OrganisationRecord[]>(await anonymous.get(`${desk}/organisations`)).map((o) => o.name),
        ['Buyer', 'Team'],
      );
    });

    it("a delegate's calendar is iCalendar that a parser reads: each accepted meeting, at its time", async () => {
      const accepted = ok<MeetingRecord[]>(await e1.api.get(`${DESK}/meetings`)).filter((m) => m.status === 'accepted');
      assert.ok(accepted.length >= 1);
      const reply = await e1.api.get(`${DESK}/calendar.ics`);
      assert.equal(reply.status, 200);
      const parsed = ical.sync.parseICS(reply.text);
      const events = Object.values(parsed).filter((c): c is VEvent => c?.type === 'VEVENT');
      assert.deepEqual(events.map((e) => e.uid).sort(), accepted.map((m) => `${m.id}@stagecast`).sort());
      for (const meeting of accepted) {
        const event = events.find((e) => e.uid === `${meeting.id}@stagecast`);
        assert.equal(event?.start.toISOString(), meeting.start);
        assert.equal(event?.end?.toISOString(), meeting.end);
      }
      assert.ok(
        events.some((e) => typeof e.summary === 'string' && e.summary.includes('Nanyang Institute of Technology × Zhongyuan Optics Co.')),
      );
      // In the language the delegate's page asks for.
      const chinese = Object.values(
        ical.sync.parseICS((await e1.api.withHeaders({ 'Accept-Language': 'zh-CN' }).get(`${DESK}/calendar.ics`)).text),
      );
      const english = Object.values(
        ical.sync.parseICS((await e1.api.withHeaders({ 'Accept-Language': 'en' }).get(`${DESK}/calendar.ics`)).text),
      );
      const locations = (components: typeof chinese): string[] =>
        components.filter((c): c is VEvent => c?.type === 'VEVENT').map((e) => (typeof e.location === 'string' ? e.location : ''));
      assert.ok(
        locations(chinese).some((l) => l === '线上洽谈' || l.includes('号洽谈桌')),
        locations(chinese).join(' | '),
      );
      assert.ok(
        locations(english).some((l) => l === 'Online meeting' || l.includes(', table ')),
        locations(english).join(' | '),
      );
      failed(await host.get(`${DESK}/calendar.ics`), 403, 'forbidden');
    });

    it('reminds both delegates over the socket before the meeting', async () => {
      const socket = teardown.own('the guest socket', await connect(url, e1.token), (s) => s.disconnect());
      const reminders: MeetingReminder[] = [];
      socket.on('meetingReminder', (reminder) => reminders.push(reminder));
      const start = Date.now() + 5 * 60_000;
      const [slot] = await publish(u2, [
        { start: new Date(start).toISOString(), end: new Date(start + 20 * 60_000).toISOString(), mode: 'online' },
      ]);
      const meeting = await request(e1, slot);
      ok(await answer(u2, meeting, 'accept'));
      const reminder = await waitFor(async () => reminders.find((r) => r.meetingId === meeting.id), {
        what: 'the reminder',
        timeoutMs: 10_000,
      });
      assert.deepEqual(reminder.delegateIds, [u2.id, e1.id]);
    });

    it('records agreements, puts one on air during its signing session, and reports per achievement and sector', async () => {
      const x = ok<{ id: string }>(
        await host.post(`${EVENT}/achievements`, {
          title: 'Deep-sea sensor housing',
          institution: institute.name,
          field: 'marine engineering',
          summary: 'Pressure housings for sensors at 6,000 m',
          contact: '',
          sessionId: null,
          sector: `marine engineering ${kind}`,
          organisationId: institute.id,
        }),
        201,
      );
      ok(await e1.api.get(`${EVENT}/achievements/${x.id}`));
      ok(await e1.api.get(`${EVENT}/achievements/${x.id}`));
      ok(await f1.api.get(`${EVENT}/achievements/${x.id}`));
      ok(await e1.api.post(`${DESK}/interests`, { target: { kind: 'achievement', id: x.id } }), 201);
      const [slot] = await publish(i1, [{ ...slotTime(7), mode: 'online' }]);
      failed(await e1.api.post(`${DESK}/meetings`, { slotId: slot.id, about: { kind: 'need', id: x.id } }), 404, 'not_found');
      await request(e1, slot, { about: { kind: 'achievement', id: x.id }, note: 'Housing samples' });
      const signing = ok<{ id: string }>(
        await host.post(`${EVENT}/sessions`, {
          stageId: 'release',
          title: `Signing (${kind})`,
          kind: 'signing',
          speakerIds: [],
          plannedStart: '2034-04-01T16:00:00+08:00',
          plannedEnd: '2034-04-01T17:00:00+08:00',
        }),
        201,
      );
      const agreement = ok<{ id: string; teamOrganisationId: string }>(
        await host.post(`${DESK}/agreements`, {
          achievementId: x.id,
          companyOrganisationId: company.id,
          type: 'licence',
          amount: 1_200_000,
          currency: 'CNY',
          signingSessionId: signing.id,
        }),
        201,
      );
      assert.equal(agreement.teamOrganisationId, institute.id);
      failed(
        await host.post(`${DESK}/agreements`, { achievementId: x.id, companyOrganisationId: university.id, type: 'licence' }),
        400,
        'bad_request',
      );
      const listed = ok<AgreementView[]>(await anonymous.get(`${DESK}/agreements`)).find((a) => a.id === agreement.id);
      assert.ok(listed);
      assert.deepEqual(
        [listed.teamName, listed.companyName, listed.achievementTitle, listed.amount, listed.currency],
        ['Henan Academy of Sciences', 'Zhongyuan Optics Co.', 'Deep-sea sensor housing', 1_200_000, 'CNY'],
      );

      // On air: only while the signing session is live, in the lower-third's place.
      failed(await host.post(`${DESK}/agreements/${agreement.id}/announce`), 409, 'conflict');
      ok(await host.post(`${EVENT}/sessions/${signing.id}/start`));
      ok(await host.post(`${EVENT}/stages/release/ingest`, {}), 201);
      ok(await host.put(`${EVENT}/stages/release/program`, { sourceId: 'onsite' }));
      failed(await e1.api.post(`${DESK}/agreements/${agreement.id}/announce`), 403, 'forbidden');
      ok(await host.post(`${DESK}/agreements/${agreement.id}/announce`));
      const program = ok<{ lowerThird: { speakerName: string; sessionTitle: string } | null }>(
        await anonymous.get(`${EVENT}/stages/release/program`),
      );
      assert.equal(listed.headline, 'Agreement signed: Henan Academy of Sciences × Zhongyuan Optics Co. — Deep-sea sensor housing');
      assert.deepEqual(program.lowerThird, {
        speakerName: listed.headline,
        speakerTitle: '',
        organisation: '',
        sessionTitle: `Signing (${kind})`,
        // The parts, so each page writes the line in its own language.
        agreement: { team: 'Henan Academy of Sciences', company: 'Zhongyuan Optics Co.', achievement: 'Deep-sea sensor housing' },
      });
      ok(await host.post(`${EVENT}/sessions/${signing.id}/end`));
      const after = ok<{ lowerThird: { speakerName: string } | null }>(await anonymous.get(`${EVENT}/stages/release/program`));
      assert.ok(!after.lowerThird?.speakerName.startsWith('Agreement signed'), 'the announcement leaves with its session');

      const counts = { views: 2, interests: 1, meetingsRequested: 1, meetingsHeld: 0, agreements: 1 };
      const report = ok<{ achievements: { achievementId: string }[]; sectors: { sector: string }[] }>(await host.get(`${DESK}/report`));
      assert.deepEqual(
        report.achievements.find((r) => r.achievementId === x.id),
        {
          achievementId: x.id,
          title: 'Deep-sea sensor housing',
          sector: `marine engineering ${kind}`,
          ...counts,
        },
      );
      assert.deepEqual(
        report.sectors.find((r) => r.sector === `marine engineering ${kind}`),
        { sector: `marine engineering ${kind}`, ...counts },
      );
      const csv = await host.withHeaders({ 'Accept-Language': 'en-GB,en;q=0.9' }).get(`${DESK}/report?format=csv`);
      assert.equal(csv.status, 200);
      const lines = csv.text.trimEnd().split('\r\n');
      assert.equal(lines[0], 'scope,id,title,sector,views,interests,meetingsRequested,meetingsHeld,agreements');
      // Asked without a language, the demo event's default (Chinese) writes the header and scope words.
      const chinese = (await host.get(`${DESK}/report?format=csv`)).text.trimEnd().split('\r\n');
      assert.equal(chinese[0], '范围,编号,标题,领域,浏览,意向,申请洽谈,已洽谈,签约');
      assert.ok(chinese.includes(`成果,${x.id},Deep-sea sensor housing,marine engineering ${kind},2,1,1,0,1`), chinese.join('\n'));
      assert.ok(lines.includes(`achievement,${x.id},Deep-sea sensor housing,marine engineering ${kind},2,1,1,0,1`), csv.text);
      assert.ok(lines.includes(`sector,,,marine engineering ${kind},2,1,1,0,1`));
      failed(await e1.api.get(`${DESK}/report`), 403, 'forbidden');
    });
  });
}
