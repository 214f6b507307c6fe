import assert from 'node:assert/strict';
import type { PublicEventsView, PublicEventView } from '../../../server/conference/publicEventTypes';
import type { SessionRecord } from '../../../server/store/records';
import { ApiClient, failed, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, request, startStagecast, tokenFor } from '../../helpers/stagecast';

const MINUTE = 60_000;

describe('REST: the front page’s public events (GET /api/public/events)', function () {
  this.timeout(30_000);
  let stagecast: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  const sockets: ClientSocket[] = [];
  let liveTalk: SessionRecord;
  let laterTalk: SessionRecord;

  const fairOf = (view: PublicEventsView): PublicEventView | undefined => view.events.find((e) => e.id === 'fair');

  before(async () => {
    stagecast = await startStagecast({ MEDIASOUP_NUM_WORKERS: '1' });
    anonymous = new ApiClient(stagecast.url);
    const admin = (eventId: string): ApiClient => anonymous.as(tokenFor('admin', eventId));
    // A public event with two stages: one live now with a later session queued, one with nothing planned.
    ok(await admin('*').post('/api/events', { id: 'fair', name: 'Autumn Fair', isPublic: true, timezone: 'Asia/Shanghai' }), 201);
    ok(await admin('fair').post('/api/events/fair/stages', { id: 'hall', name: 'Hall' }), 201);
    ok(await admin('fair').post('/api/events/fair/stages', { id: 'annex', name: 'Annex' }), 201);
    const speaker = ok<{ id: string }>(
      await admin('fair').post('/api/events/fair/speakers', {
        name: 'Dr. Ines Moreau',
        title: 'Professor',
        organisation: 'Lakeside Institute',
        presence: 'remote',
      }),
      201,
    );
    const at = (minutes: number): string => new Date(Date.now() + minutes * MINUTE).toISOString();
    liveTalk = ok<SessionRecord>(
      await admin('fair').post('/api/events/fair/sessions', {
        stageId: 'hall',
        title: 'Keynote: quiet batteries',
        kind: 'keynote',
        speakerIds: [speaker.id],
        plannedStart: at(-10),
        plannedEnd: at(30),
      }),
      201,
    );
    laterTalk = ok<SessionRecord>(
      await admin('fair').post('/api/events/fair/sessions', {
        stageId: 'hall',
        title: 'Signing: the battery consortium',
        kind: 'signing',
        speakerIds: [],
        plannedStart: at(45),
        plannedEnd: at(75),
      }),
      201,
    );
    ok(await admin('fair').post(`/api/events/fair/sessions/${liveTalk.id}/start`));
    // A private event, with a stage and a live session: never listed here.
    ok(await admin('*').post('/api/events', { id: 'closed', name: 'Closed-door meeting', isPublic: false, timezone: 'UTC' }), 201);
    ok(await admin('closed').post('/api/events/closed/stages', { id: 'room', name: 'Room' }), 201);
    const secret = ok<SessionRecord>(
      await admin('closed').post('/api/events/closed/sessions', {
        stageId: 'room',
        title: 'Behind doors',
        kind: 'signing',
        speakerIds: [],
        plannedStart: at(-5),
        plannedEnd: at(30),
      }),
      201,
    );
    ok(await admin('closed').post(`/api/events/closed/sessions/${secret.id}/start`));
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await stagecast.stop();
  });

  it('lists the public events with each stage’s live session, its next one, and nothing else', async () => {
    const view = ok<PublicEventsView>(await anonymous.get('/api/public/events'));
    assert.deepEqual(view.events.map((e) => e.id).sort(), ['demo', 'fair']);
    const fair = fairOf(view);
    assert.ok(fair);
    assert.deepEqual([fair.name, fair.timezone], ['Autumn Fair', 'Asia/Shanghai']);
    assert.deepEqual(
      fair.stages.map((s) => s.id),
      ['annex', 'hall'],
      'stages by name',
    );
    const [annex, hall] = fair.stages;
    assert.deepEqual(annex, { id: 'annex', name: 'Annex', live: null, next: null, viewers: 0 });
    assert.deepEqual(hall?.live, {
      id: liveTalk.id,
      title: 'Keynote: quiet batteries',
      kind: 'keynote',
      plannedStart: liveTalk.plannedStart,
      plannedEnd: liveTalk.plannedEnd,
      speakers: ['Dr. Ines Moreau'],
    });
    assert.equal(hall?.next?.id, laterTalk.id);
    assert.deepEqual(hall?.next?.speakers, []);
  });

  it('never lists a private event, not even to a holder of one of its tokens', async () => {
    for (const client of [anonymous, anonymous.as(tokenFor('admin', 'closed')), anonymous.as(tokenFor('attendee', 'closed'))]) {
      const reply = await client.get('/api/public/events');
      const view = ok<PublicEventsView>(reply);
      assert.ok(!view.events.some((e) => e.id === 'closed'));
      assert.doesNotMatch(JSON.stringify(reply.body), /Behind doors|Closed-door/);
    }
  });

  it('counts the viewers joined to each stage on this node (hosts’ previews are not viewers)', async () => {
    for (const role of ['attendee', 'attendee', 'host'] as const) {
      const socket = await connect(stagecast.url, tokenFor(role, 'fair', `${role} ${sockets.length}`));
      sockets.push(socket);
      await request(socket, 'join', { stageId: 'hall' });
    }
    const hall = await waitFor(
      async () => {
        const stage = fairOf(ok<PublicEventsView>(await anonymous.get('/api/public/events')))?.stages.find((s) => s.id === 'hall');
        return stage?.viewers === 2 ? stage : undefined;
      },
      5000,
      'two viewers on the hall',
    );
    assert.equal(hall.viewers, 2);
    sockets.shift()?.disconnect();
    // A dropped viewer keeps its seat for the reconnect grace period; one that leaves frees it at once.
    await request(sockets[0], 'leave', {});
    const after = fairOf(ok<PublicEventsView>(await anonymous.get('/api/public/events')))?.stages.find((s) => s.id === 'hall');
    assert.equal(after?.viewers, 1);
  });

  it('a stage whose session ended shows the next one, and an event made private disappears', async () => {
    const host = anonymous.as(tokenFor('host', 'fair'));
    ok(await host.post(`/api/events/fair/sessions/${liveTalk.id}/end`));
    const hall = fairOf(ok<PublicEventsView>(await anonymous.get('/api/public/events')))?.stages.find((s) => s.id === 'hall');
    assert.deepEqual([hall?.live, hall?.next?.id], [null, laterTalk.id]);
    ok(await anonymous.as(tokenFor('admin', 'fair')).patch('/api/events/fair', { isPublic: false }));
    assert.equal(fairOf(ok<PublicEventsView>(await anonymous.get('/api/public/events'))), undefined);
  });

  it('takes no query parameters, and is documented with its answer’s schema', async () => {
    failed(await anonymous.get('/api/public/events?include=private'), 400, 'bad_request');
    const doc = ok<{
      paths: Record<
        string,
        { get?: { operationId: string; responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> } }
      >;
      components: { schemas: Record<string, unknown> };
    }>(await anonymous.get('/api/openapi.json'));
    const operation = doc.paths['/api/public/events']?.get;
    assert.equal(operation?.operationId, 'listPublicEvents');
    assert.equal(operation?.responses['200']?.content['application/json']?.schema.$ref, '#/components/schemas/PublicEventsDto');
    for (const name of ['PublicEventsDto', 'PublicEventDto', 'PublicStageDto', 'PublicSessionDto'])
      assert.ok(doc.components.schemas[name], name);
  });
});
