import assert from 'node:assert/strict';
import type { PublicEventsView } from '../../../server/conference/publicEventTypes';
import type { AchievementRecord, EventRecord, SessionRecord, StageRecord } from '../../../server/store/records';
import { ApiClient, badFields, ok } from '../../helpers/api';
import { startStagecast, tokenFor } from '../../helpers/stagecast';

describe('REST: content in two languages and the event’s default page language', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  let admin: ApiClient;

  before(async () => {
    stagecast = await startStagecast({ MEDIASOUP_NUM_WORKERS: '1' });
    anonymous = new ApiClient(stagecast.url);
    admin = anonymous.as(tokenFor('admin', '*'));
  });

  after(async () => {
    await stagecast?.stop();
  });

  it('stores a name, title and summary per language and the default language, and shows them to the front page', async () => {
    const event = ok<EventRecord>(
      await admin.post('/api/events', {
        id: 'expo',
        name: 'Innovation Expo',
        isPublic: true,
        timezone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        translations: { 'zh-CN': { name: '创新博览会' } },
      }),
      201,
    );
    assert.equal(event.defaultLocale, 'zh-CN');
    ok<StageRecord>(
      await admin.post('/api/events/expo/stages', { id: 'hall', name: 'Hall', translations: { 'zh-CN': { name: '主厅' } } }),
      201,
    );
    const start = Date.now() - 60_000;
    const session = ok<SessionRecord>(
      await admin.post('/api/events/expo/sessions', {
        stageId: 'hall',
        title: 'Opening',
        translations: { 'zh-CN': { title: '开幕式' }, en: { title: 'Opening ceremony' } },
        kind: 'speech',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 3_600_000).toISOString(),
      }),
      201,
    );
    ok(await admin.post(`/api/events/expo/sessions/${session.id}/start`));
    const achievement = ok<AchievementRecord>(
      await admin.post('/api/events/expo/achievements', {
        title: 'Solid-state battery',
        institution: 'Lakeside Institute',
        field: 'energy',
        summary: 'A cell that does not burn.',
        contact: '',
        sessionId: null,
        translations: { 'zh-CN': { title: '固态电池', summary: '不会起火的电芯。' } },
      }),
      201,
    );
    assert.deepEqual(achievement.translations, { 'zh-CN': { title: '固态电池', summary: '不会起火的电芯。' } });

    const view = ok<PublicEventsView>(await anonymous.get('/api/public/events')).events.find((e) => e.id === 'expo');
    assert.equal(view?.defaultLocale, 'zh-CN');
    assert.deepEqual(view?.translations, { 'zh-CN': { name: '创新博览会' } });
    assert.deepEqual(view?.stages[0]?.translations, { 'zh-CN': { name: '主厅' } });
    assert.deepEqual(view?.stages[0]?.live?.translations, { 'zh-CN': { title: '开幕式' }, en: { title: 'Opening ceremony' } });

    // A patch replaces the set; the default language can change.
    const patched = ok<EventRecord>(
      await admin.patch('/api/events/expo', { defaultLocale: 'en', translations: { en: { name: 'Innovation Expo 2026' } } }),
    );
    assert.equal(patched.defaultLocale, 'en');
    assert.deepEqual(patched.translations, { en: { name: 'Innovation Expo 2026' } });
  });

  it('refuses an unknown language, an empty title or a summary where only a title belongs, and changes nothing', async () => {
    const before = ok<EventRecord>(await admin.get('/api/events/expo'));
    assert.deepEqual(badFields(await admin.patch('/api/events/expo', { translations: { fr: { name: 'Expo' } } })), ['translations.fr']);
    assert.deepEqual(badFields(await admin.patch('/api/events/expo', { defaultLocale: 'de' })), ['defaultLocale']);
    assert.deepEqual(badFields(await admin.patch('/api/events/expo', { translations: { en: { name: '' } } })), ['translations.en.name']);
    const [session] = ok<SessionRecord[]>(await admin.get('/api/events/expo/sessions'));
    assert.ok(session);
    const fields = badFields(
      await admin.patch(`/api/events/expo/sessions/${session.id}`, { translations: { 'zh-CN': { summary: '摘要' } } }),
    );
    assert.deepEqual(fields, ['translations.zh-CN.summary']);
    assert.deepEqual(ok<EventRecord>(await admin.get('/api/events/expo')), before);
  });

  it('the demo event opens in Chinese for browsers that ask for neither language, with every title in Chinese', async () => {
    const demo = ok<EventRecord>(await admin.get('/api/events/demo'));
    assert.equal(demo.defaultLocale, 'zh-CN');
    assert.match(demo.translations?.['zh-CN']?.name ?? '', /[\u4e00-\u9fff]/);
    const titled = [
      ...ok<StageRecord[]>(await admin.get('/api/events/demo/stages')).map((s) => s.translations?.['zh-CN']?.name),
      ...ok<SessionRecord[]>(await admin.get('/api/events/demo/sessions')).map((s) => s.translations?.['zh-CN']?.title),
      ...ok<AchievementRecord[]>(await admin.get('/api/events/demo/achievements')).flatMap((a) => [
        a.translations?.['zh-CN']?.title,
        a.translations?.['zh-CN']?.summary,
      ]),
    ];
    assert.ok(titled.length >= 2 + 8 + 8, `${titled.length} titles`);
    for (const title of titled) assert.match(title ?? '(none)', /[\u4e00-\u9fff]/);
  });
});
