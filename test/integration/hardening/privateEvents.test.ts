import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { SessionRecord } from '../../../server/store/records';
import { ApiClient, failed, ok } from '../../helpers/api';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, request, startStagecast, tokenFor } from '../../helpers/stagecast';

/**
 * A private event cannot be discovered: to whoever holds no token of it, it answers like an unknown
 * one, and an open /metrics (no METRICS_TOKEN) never names it.
 */
describe('Private events are indistinguishable from unknown ones', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let anonymous: ApiClient;
  const sockets: ClientSocket[] = [];

  before(async () => {
    node = await startStagecast({ MEDIASOUP_NUM_WORKERS: '1', HEALTH_SAMPLE_INTERVAL_MS: '200' });
    anonymous = new ApiClient(node.url);
    for (const id of ['hidden', 'secret']) {
      ok(
        await anonymous.as(tokenFor('admin', '*')).post('/api/events', { id, name: `Closed ${id}`, isPublic: false, timezone: 'UTC' }),
        201,
      );
      ok(await anonymous.as(tokenFor('admin', id)).post(`/api/events/${id}/stages`, { id: 'room', name: 'Room' }), 201);
    }
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await node?.stop();
  });

  it('GET /api/events/:id, its sub-routes and the join route answer the same 404 as for an unknown id', async () => {
    const outsider = anonymous.as(tokenFor('attendee', 'demo'));
    for (const client of [anonymous, outsider]) {
      for (const [method, path] of [
        ['get', '/api/events/%'],
        ['get', '/api/events/%/stages/room'],
        ['get', '/api/events/%/agenda'],
        ['post', '/api/events/%/join'],
      ] as const) {
        const hidden = await client.call(method, path.replace('%', 'hidden'), method === 'post' ? {} : undefined);
        const unknown = await client.call(method, path.replace('%', 'nowhere'), method === 'post' ? {} : undefined);
        assert.equal(failed(hidden, 404, 'not_found').message, 'no event hidden', path);
        assert.equal(failed(unknown, 404, 'not_found').message, 'no event nowhere', path);
      }
    }
    // Its own tokens still see it; a join with one is told the event is private (they know it exists).
    ok(await anonymous.as(tokenFor('attendee', 'hidden')).get('/api/events/hidden'));
    failed(await anonymous.as(tokenFor('attendee', 'hidden')).post('/api/events/hidden/join', {}), 403, 'forbidden');
  });

  it('an open /metrics sums private stages under stage="private" and never names a private event', async () => {
    for (const [eventId, stageId] of [
      ['demo', 'keynote'],
      ['hidden', 'room'],
      ['secret', 'room'],
    ]) {
      const socket = await connect(node.url, tokenFor('attendee', eventId, `Viewer of ${eventId}`));
      sockets.push(socket);
      await request(socket, 'join', { stageId });
    }
    const host = anonymous.as(tokenFor('host', 'hidden'));
    const session = ok<SessionRecord>(
      await host.post('/api/events/hidden/sessions', {
        stageId: 'room',
        title: 'Behind doors',
        kind: 'panel',
        speakerIds: [],
        plannedStart: '2033-01-01T09:00:00Z',
        plannedEnd: '2033-01-01T10:00:00Z',
      }),
      201,
    );
    ok(await host.post(`/api/events/hidden/sessions/${session.id}/start`));
    ok(
      await anonymous.as(tokenFor('attendee', 'hidden')).post(`/api/events/hidden/sessions/${session.id}/questions`, { text: 'Who?' }),
      201,
    );

    const text = await waitFor(
      async () => {
        const res = await fetch(`${node.url}/metrics`);
        const body = await res.text();
        return /stagecast_stage_viewers\{stage="private"\} 2\b/.test(body) && /stagecast_questions_total\{event="private"\} 1\b/.test(body)
          ? body
          : undefined;
      },
      20_000,
      'the private stages summed in /metrics',
    );
    assert.doesNotMatch(text, /hidden|secret/, 'no label names a private event');
    const families = parsePrometheusTextFormat(text);
    const viewers = families.find((f) => f.name === 'stagecast_stage_viewers');
    assert.deepEqual(viewers?.metrics.map((m) => m.labels?.stage).sort(), ['demo/keynote', 'private']);
  });
});
