import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import type { MediaPeer } from '../../../media/MediaPeer';
import type { IngestTargetDto } from '../../../scripts/ffmpegIngest';
import type { GroupProcess } from '../../../scripts/lib/processGroup';
import type { AlertRecord, HealthSampleView, HealthSubscription } from '../../../signaling/contract';
import { ApiClient, failed, ok } from '../../helpers/api';
import { startEncoder } from '../../helpers/encoder';
import { waitFor } from '../../helpers/net';
import { type ClientSocket, connect, fakeDevice, request, startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';

const METRICS_TOKEN = 'metrics-scrape-token-for-tests';
const STAGE_KEY = 'demo/keynote';

function value(families: PrometheusFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

// The file's fixture: a live session on the keynote stage, its hall feed from ffmpeg and one viewer of it
// over plain RTP. A test that changes it (a second viewer, the feed stopped) puts it back before it ends.
describe('Stream health: samples, alerts and metrics of an ffmpeg-fed stage', function () {
  this.timeout(60_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let api: ApiClient;
  let encoder: GroupProcess;
  let viewer: MediaPeer;
  const teardown = new Teardown();

  /** Opens (or re-opens) the hall feed with a new ffmpeg, as `npm run ingest` does. */
  async function openFeed(): Promise<void> {
    const target = ok<IngestTargetDto>(await api.as(tokenFor('ops')).post('/api/events/demo/stages/keynote/ingest', {}), 201);
    const started = startEncoder(target, { size: '320x180', videoBitrate: '300k' });
    teardown.add('an ffmpeg feed', () => started.stop());
    encoder = started;
  }

  async function opsSocket(name: string): Promise<ClientSocket> {
    return teardown.own(name, await connect(node.url, tokenFor('ops', 'demo', name)), (socket) => socket.disconnect());
  }

  /** The latest sample's view of the stage, once it satisfies `check`. */
  async function stageWhere(
    check: (stage: HealthSampleView['stages'][number]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<HealthSampleView['stages'][number]> {
    return waitFor(
      async () => {
        const body = ok<{ sample: HealthSampleView | null }>(await api.as(tokenFor('ops')).get('/api/health'));
        const stage = body.sample?.stages.find((s) => s.stageId === 'keynote');
        return stage && check(stage) ? stage : undefined;
      },
      timeoutMs,
      what,
    );
  }

  before(async () => {
    node = teardown.own(
      'the node',
      await startStagecast({ HEALTH_SAMPLE_INTERVAL_MS: '500', ALERT_CLEAR_AFTER_MS: '1000', METRICS_TOKEN }),
      (n) => n.stop(),
    );
    api = new ApiClient(node.url);
    // A live session: the stage is on air for the whole file.
    const admin = api.as(tokenFor('admin'));
    const session = ok<{ id: string }>(
      await admin.post('/api/events/demo/sessions', {
        stageId: 'keynote',
        title: 'Health check',
        kind: 'keynote',
        speakerIds: [],
        plannedStart: '2026-12-01T09:00:00+08:00',
        plannedEnd: '2026-12-01T09:30:00+08:00',
      }),
      201,
    );
    ok(await admin.post(`/api/events/demo/sessions/${session.id}/start`));
    await openFeed();
    // One viewer on a distribution router, consuming the feed over plain RTP.
    viewer = await node.node.media.createPeer(STAGE_KEY, { participantId: 'viewer-1', displayName: 'viewer', followsProgram: true });
    await viewer.createEgressTransport({ ip: '127.0.0.1', port: 9 });
    await viewFeed();
  });

  /** The plain-RTP viewer consumes the feed's producers (again after the feed was re-opened with new ones). */
  async function viewFeed(): Promise<void> {
    const stage = node.node.media.existingStage(STAGE_KEY)!;
    for (const source of stage.sources) {
      for (const { producerId } of source.producers)
        await viewer.resumeConsumer((await viewer.consume(producerId, stage.rtpCapabilities)).id);
    }
  }

  after(() => teardown.run());

  it('samples the source, the viewers and the workers, and keeps a history per stage', async () => {
    const stage = await stageWhere(
      (s) => s.sources[0]?.receiving === true && s.receivingViewers === 1,
      'a sample with the feed flowing to the viewer',
    );
    const source = stage.sources[0];
    assert.deepEqual([source.id, source.kind, source.producers.length, source.feed?.length], ['onsite', 'onsite', 2, 2]);
    assert.ok(source.bitrateBps > 0 && source.score === 10 && source.lossPercent === 0, JSON.stringify(source));
    assert.ok(
      source.feed!.every((f) => f.packetsArriving),
      'packets arrive at both RTP ports',
    );
    assert.deepEqual([stage.viewers, stage.consumers, stage.consumerScores[10], stage.routers], [1, 2, 2, 2]);
    assert.ok(stage.bitrateOutBps > 0);
    const { sample } = ok<{ sample: HealthSampleView }>(await api.as(tokenFor('host')).get('/api/health'));
    assert.equal(sample.workers.length, 2);
    assert.ok(sample.workers.every((w) => w.alive && w.pid !== null && (w.rssBytes ?? 0) > 0));
    assert.ok(sample.node.rssBytes > 0 && sample.node.eventLoopLagMs.max >= 0);

    const history = await waitFor(
      async () => {
        const body = ok<{ samples: HealthSampleView[]; intervalMs: number }>(
          await api.as(tokenFor('ops')).get('/api/health/history?stage=keynote'),
        );
        return body.samples.length >= 3 ? body : undefined;
      },
      5000,
      'three samples of history',
    );
    assert.equal(history.intervalMs, 500);
    assert.ok(history.samples.every((s) => s.stages.every((st) => st.stageId === 'keynote')));
    assert.ok(
      history.samples.every((s, i) => i === 0 || s.seq > history.samples[i - 1].seq),
      'oldest first',
    );
    failed(await api.as(tokenFor('ops')).get('/api/health/history?stage=nowhere'), 404, 'not_found');
    failed(await api.as(tokenFor('ops')).get('/api/health/history?stage=Not_A_Slug'), 400, 'bad_request');
  });

  it('does not count a viewer whose WebRTC transport never connected as receiving', async () => {
    const socket = teardown.own(
      'the viewer that never connects',
      await connect(node.url, tokenFor('attendee', 'demo', 'Never connects')),
      (s) => s.disconnect(),
    );
    const joined = await request(socket, 'join', { stageId: 'keynote' });
    const device = await fakeDevice(joined.routerRtpCapabilities);
    await request(socket, 'createTransport', { direction: 'recv' });
    for (const source of joined.sources) {
      for (const { producerId } of source.producers) {
        const consumer = await request(socket, 'consume', { producerId, rtpCapabilities: device.rtpCapabilities });
        await request(socket, 'resumeConsumer', { consumerId: consumer.id });
      }
    }
    // FakeHandler never runs ICE or DTLS: its consumers exist, resumed, but nothing can reach it.
    const stage = await stageWhere((s) => s.viewers === 2 && s.consumers === 4, 'the second viewer and its consumers counted');
    assert.equal(stage.receivingViewers, 1, 'only the plain-RTP viewer receives');
    await request(socket, 'leave', {});
    await stageWhere((s) => s.viewers === 1 && s.consumers === 2, 'the second viewer gone');
  });

  it('serves /metrics in the Prometheus text format with the live stage’s viewers and bitrate, behind its token', async () => {
    await stageWhere((s) => s.sources[0]?.receiving === true && s.bitrateOutBps > 0 && s.viewers === 1, 'a sample with media flowing');
    assert.equal((await fetch(`${node.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${node.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
    const scrape = async (): Promise<PrometheusFamily[]> => {
      const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return parsePrometheusTextFormat(await res.text());
    };
    const families = await scrape();

    const names = new Set(families.map((f) => f.name));
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes'])
      assert.ok(names.has(name), `default metric ${name}`);
    assert.equal(families.find((f) => f.name === 'stagecast_stage_viewers')?.type, 'GAUGE');
    assert.equal(families.find((f) => f.name === 'stagecast_forwarded_bytes_total')?.type, 'COUNTER');
    assert.equal(value(families, 'stagecast_stage_viewers', { stage: STAGE_KEY }), 1);
    assert.equal(value(families, 'stagecast_stage_viewers_receiving', { stage: STAGE_KEY }), 1);
    assert.ok(value(families, 'stagecast_source_bitrate_bps', { stage: STAGE_KEY, kind: 'onsite' })! > 50_000);
    assert.ok(value(families, 'stagecast_stage_bitrate_out_bps', { stage: STAGE_KEY })! > 50_000);
    assert.equal(value(families, 'stagecast_source_score', { stage: STAGE_KEY, kind: 'onsite' }), 10);
    assert.equal(value(families, 'stagecast_stage_consumers_by_score', { stage: STAGE_KEY, score: '10' }), 2);
    assert.ok(value(families, 'stagecast_forwarded_bytes_total', { stage: STAGE_KEY, direction: 'in' })! > 0);
    // Joins are counted: one more join (and leave) here moves the counter by one.
    const joinsBefore = value(families, 'stagecast_joins_total', { stage: STAGE_KEY }) ?? 0;
    assert.ok(joinsBefore >= 1, 'the plain-RTP viewer joined');
    const joiner = await connect(node.url, tokenFor('attendee', 'demo', 'Counted join'));
    try {
      await request(joiner, 'join', { stageId: 'keynote' });
      await request(joiner, 'leave', {});
    } finally {
      joiner.disconnect();
    }
    await waitFor(async () => value(await scrape(), 'stagecast_joins_total', { stage: STAGE_KEY }) === joinsBefore + 1, {
      what: `stagecast_joins_total at ${joinsBefore + 1}`,
      timeoutMs: 10_000,
    });
    assert.equal(value(families, 'stagecast_worker_alive', { worker: '1' }), 1);
    assert.ok(value(families, 'stagecast_worker_cpu_percent', { worker: '0' })! >= 0);

    const udpPorts = ['0', '1'].reduce(
      (sum, worker) => sum + (value(families, 'stagecast_worker_ports_in_use', { worker, protocol: 'udp' }) ?? 0),
      0,
    );
    assert.ok(udpPorts >= 2, 'the feed (RTP and RTCP) and the viewers hold UDP ports');
    assert.ok(value(families, 'stagecast_worker_ports', { worker: '0' })! > 0);

    // Bounded labels: stages, source kinds, worker slots, port protocols, score buckets, rules; never a participant.
    const labelNames = new Set(
      families.filter((f) => f.name.startsWith('stagecast_')).flatMap((f) => f.metrics.flatMap((m) => Object.keys(m.labels ?? {}))),
    );
    assert.deepEqual([...labelNames].sort(), ['direction', 'kind', 'protocol', 'rule', 'score', 'stage', 'worker']);
  });

  it('a source_down alert reaches a connected ops socket once the feed stops, stays one alert while it is down, and clears once the feed is back', async () => {
    const ops = await opsSocket('Ops');
    const raised: AlertRecord[] = [];
    const cleared: AlertRecord[] = [];
    const samples: HealthSampleView[] = [];
    ops.on('alertRaised', (alert) => raised.push(alert));
    ops.on('alertCleared', (alert) => cleared.push(alert));
    ops.on('healthSample', (sample) => samples.push(sample));
    const subscription: HealthSubscription = await request(ops, 'subscribeHealth', {});
    assert.deepEqual(subscription.alerts, []);
    assert.equal(subscription.intervalMs, 500);
    const onsiteOf = (sample: HealthSampleView) =>
      sample.stages.find((st) => st.key === STAGE_KEY)?.sources.find((src) => src.id === 'onsite');
    await waitFor(async () => samples.some((s) => onsiteOf(s)?.receiving), {
      what: 'pushed samples with the feed flowing',
      timeoutMs: 10_000,
    });

    await encoder.stop();
    const down = await waitFor(async () => raised.find((a) => a.rule === 'source_down'), {
      what: 'a source_down alert on the ops socket after the feed stopped',
      timeoutMs: 15_000,
    });
    assert.deepEqual(
      [down.eventId, down.stageId, down.sourceId, down.severity, down.clearedAt],
      ['demo', 'keynote', 'onsite', 'critical', null],
    );
    assert.match(down.message, /no media for/);

    // While it stays down (three more samples say so): no second alert for the same condition.
    const seenAtAlert = samples.length;
    await waitFor(
      async () => {
        const later = samples.slice(seenAtAlert);
        if (later.some((s) => onsiteOf(s)?.receiving)) throw new Error('a later sample shows the feed receiving again');
        return later.length >= 3;
      },
      { what: 'three more samples with the feed still down', timeoutMs: 10_000 },
    );
    assert.equal(raised.filter((a) => a.rule === 'source_down').length, 1, 'one alert per condition');
    const open = ok<{ alerts: AlertRecord[] }>(await api.as(tokenFor('host')).get('/api/health'));
    assert.deepEqual(
      open.alerts.filter((a) => a.rule === 'source_down').map((a) => a.id),
      [down.id],
    );

    // The encoder comes back (a new ffmpeg asks for the ports again, as `npm run ingest` does).
    await openFeed();
    const recovered = await waitFor(async () => cleared.find((a) => a.id === down.id), {
      what: 'the source_down alert cleared',
      timeoutMs: 15_000,
    });
    assert.equal(recovered.clearReason, 'recovered');
    assert.ok(recovered.clearedAt);
    assert.equal(raised.filter((a) => a.rule === 'source_down').length, 1);

    const stored = await node.node.store.collection('alerts').get('demo', down.id);
    assert.equal(stored?.clearedAt, recovered.clearedAt, 'the store keeps the alert with its clearing');
    const log = ok<AlertRecord[]>(await api.as(tokenFor('ops')).get('/api/health/alerts?state=all'));
    assert.ok(log.some((a) => a.id === down.id && a.clearedAt !== null));
    // The fixture is whole again: the viewer receives the new feed.
    await viewFeed();
    await stageWhere((s) => s.sources[0]?.receiving === true && s.receivingViewers === 1, 'the viewer receiving the feed again');
  });
});
