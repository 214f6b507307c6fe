import assert from 'node:assert/strict';
import pino from 'pino';
import { AlertEngine } from '../../../server/ops/AlertEngine';
import { type AlertThresholds, DEFAULT_THRESHOLDS } from '../../../server/ops/alertRules';
import type { UplinkWarning } from '../../../server/ops/views';
import type { Store } from '../../../server/store';
import type { AlertRecord } from '../../../server/store/records';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { healthSample, sourceHealth, stageHealth, workerHealth } from '../../helpers/healthSamples';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const STAGE = 'demo/keynote';

describe('AlertEngine', () => {
  let store: Store;
  let engine: AlertEngine;
  let raised: AlertRecord[];
  let cleared: AlertRecord[];
  let uplink: UplinkWarning[];
  const live = new Set<string>();
  const scheduled = new Map<string, string[]>();

  function start(thresholds: Partial<AlertThresholds> = {}): void {
    engine = new AlertEngine({
      store,
      thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds },
      isLive: (key) => live.has(key),
      languagesOf: (key) => scheduled.get(key) ?? [],
      nodeId: 'test-node',
      logger: pino({ level: 'silent' }),
    });
    engine.on('raised', (a) => raised.push(a));
    engine.on('cleared', (a) => cleared.push(a));
    engine.on('uplink', (w) => uplink.push(w));
  }

  /** One sample per second from `fromS` to `toS` (inclusive) of the stage with these sources. */
  function feed(fromS: number, toS: number, sources: (second: number) => Parameters<typeof sourceHealth>[0][]): void {
    for (let s = fromS; s <= toS; s++)
      engine.observeSample(healthSample(T0 + s * 1000, [stageHealth(STAGE, { sources: sources(s).map(sourceHealth) })]));
  }

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    raised = [];
    cleared = [];
    uplink = [];
    live.clear();
    scheduled.clear();
  });

  afterEach(async () => {
    engine.close();
    await store.close();
  });

  it('raises high_loss only after the loss has lasted its window, once, and clears it after the clear window', () => {
    start({ lossForMs: 10_000, clearAfterMs: 3000 });
    feed(0, 9, () => [{ id: 'onsite', lossPercent: 12 }]);
    assert.equal(raised.length, 0, 'nine seconds of loss is not yet ten');
    feed(10, 30, () => [{ id: 'onsite', lossPercent: 12 }]);
    assert.equal(raised.length, 1, 'one alert for the whole lasting condition');
    assert.deepEqual(
      [raised[0].rule, raised[0].subject, raised[0].eventId, raised[0].stageId, raised[0].sourceId],
      ['high_loss', 'demo/keynote#onsite', 'demo', 'keynote', 'onsite'],
    );
    assert.equal(raised[0].raisedAt, new Date(T0 + 10_000).toISOString());
    feed(31, 33, () => [{ id: 'onsite', lossPercent: 0 }]);
    assert.equal(cleared.length, 0, 'two seconds fine is not yet three');
    feed(34, 34, () => [{ id: 'onsite', lossPercent: 0 }]);
    assert.equal(cleared.length, 1);
    assert.equal(cleared[0].id, raised[0].id);
    assert.equal(cleared[0].clearReason, 'recovered');
  });

  it('does not raise when the bad run is interrupted by a fine or an unmeasurable sample', () => {
    start({ lossForMs: 5000 });
    feed(0, 20, (s) => [{ id: 'onsite', lossPercent: s % 5 === 4 ? 0 : 20 }]);
    feed(21, 40, (s) =>
      s % 5 === 4 ? [{ id: 'onsite', receiving: false, silentForMs: 500, lossPercent: 0 }] : [{ id: 'onsite', lossPercent: 20 }],
    );
    assert.deepEqual(
      raised.filter((a) => a.rule === 'high_loss'),
      [],
    );
  });

  it('raises source_down as soon as the on-site feed has been silent long enough, keeps it while a re-opened feed has not started, clears once media flows', () => {
    start({ sourceSilentMs: 3000, clearAfterMs: 0 });
    feed(0, 2, () => [{ id: 'onsite' }]);
    feed(3, 5, (s) => [{ id: 'onsite', receiving: false, silentForMs: (s - 2) * 1000, score: null }]);
    assert.deepEqual(
      raised.map((a) => [a.rule, a.value]),
      [['source_down', 3000]],
    );
    assert.equal(raised[0].severity, 'critical');
    // Re-opened: silent but too recent to be down, and not receiving either: the alert stays open.
    feed(6, 6, () => [{ id: 'onsite', receiving: false, silentForMs: 0, score: null }]);
    assert.equal(cleared.length, 0);
    feed(7, 7, () => [{ id: 'onsite' }]);
    assert.deepEqual(
      cleared.map((a) => [a.rule, a.clearReason]),
      [['source_down', 'recovered']],
    );
    assert.equal(raised.length, 1, 'no low_score or high_loss for a silent source');
  });

  it('clears an open alert as "gone" when its source leaves the samples', () => {
    start({ sourceSilentMs: 1000 });
    feed(0, 2, (s) => [{ id: 'onsite', receiving: false, silentForMs: s * 1000, score: null }]);
    assert.equal(raised.length, 1);
    feed(3, 3, () => []);
    assert.deepEqual(
      cleared.map((a) => a.clearReason),
      ['gone'],
    );
  });

  it('raises worker_cpu after the window, and worker_died / replaced from the pool events', () => {
    start({ workerCpuPercent: 85, workerCpuForMs: 5000, clearAfterMs: 0 });
    for (let s = 0; s <= 6; s++)
      engine.observeSample(healthSample(T0 + s * 1000, [], [workerHealth(0, { cpuPercent: 95 }), workerHealth(1, { cpuPercent: 20 })]));
    assert.deepEqual(
      raised.map((a) => [a.rule, a.subject, a.eventId]),
      [['worker_cpu', 'worker:0', '']],
    );
    engine.workerDied({ index: 1, pid: 1001, error: new Error('killed') });
    engine.workerDied({ index: 1, pid: 1001, error: new Error('killed again') });
    assert.deepEqual(
      raised.map((a) => a.rule),
      ['worker_cpu', 'worker_died'],
      'one worker_died alert while the slot is down',
    );
    // Samples while it is down do not clear it: it is not a sampled condition.
    engine.observeSample(
      healthSample(T0 + 7000, [], [workerHealth(0, { cpuPercent: 10 }), workerHealth(1, { alive: false, cpuPercent: null, pid: null })]),
    );
    assert.deepEqual(
      cleared.map((a) => a.rule),
      ['worker_cpu'],
    );
    engine.workerReplaced({ index: 1, pid: 2001, worker: undefined as never });
    assert.deepEqual(
      cleared.map((a) => a.rule),
      ['worker_cpu', 'worker_died'],
    );
    assert.deepEqual(engine.openAlerts(), []);
  });

  it('raises no_viewers_receiving only while a session is live on the stage', () => {
    start({ noViewersForMs: 5000, clearAfterMs: 0 });
    const sample = (s: number, receivingViewers: number): void =>
      engine.observeSample(healthSample(T0 + s * 1000, [stageHealth(STAGE, { viewers: 3, receivingViewers })]));
    for (let s = 0; s <= 10; s++) sample(s, 0);
    assert.equal(raised.length, 0, 'nobody watching between sessions is no incident');
    live.add(STAGE);
    for (let s = 11; s <= 16; s++) sample(s, 0);
    assert.deepEqual(
      raised.map((a) => a.rule),
      ['no_viewers_receiving'],
    );
    assert.match(raised[0].message, /3 viewers connected, none receives media/);
    sample(17, 2);
    assert.deepEqual(
      cleared.map((a) => a.rule),
      ['no_viewers_receiving'],
    );
  });

  it('raises interpreter_missing for a scheduled language without a live interpreter, only while the stage is live', () => {
    start({ interpreterMissingForMs: 3000, clearAfterMs: 0 });
    scheduled.set(STAGE, ['en', 'fr']);
    const channel = (language: string, isLive: boolean) => ({
      language,
      interpreters: isLive ? 1 : 0,
      live: isLive,
      liveParticipantId: isLive ? `p-${language}` : null,
      audioLevelDbov: isLive ? -30 : null,
      receiving: isLive,
      lossPercent: 0,
      bitrateBps: isLive ? 30_000 : 0,
    });
    const sample = (s: number, frLive: boolean): void =>
      engine.observeSample(healthSample(T0 + s * 1000, [stageHealth(STAGE, { languages: [channel('en', true), channel('fr', frLive)] })]));
    for (let s = 0; s <= 5; s++) sample(s, false);
    assert.equal(raised.length, 0, 'an empty booth between sessions is no incident');
    live.add(STAGE);
    for (let s = 6; s <= 8; s++) sample(s, false);
    assert.equal(raised.length, 0, 'not before the window has passed');
    sample(9, false);
    assert.deepEqual(
      raised.map((a) => [a.rule, a.message]),
      [['interpreter_missing', `stage ${STAGE} is live but its fr channel has no live interpreter (the booth is empty)`]],
      'fr only: en has its interpreter',
    );
    sample(10, true);
    assert.deepEqual(
      cleared.map((a) => a.rule),
      ['interpreter_missing'],
    );
  });

  it('tells a remote speaker once when their stream degrades and once when it is fine again, whatever the number of rules', () => {
    start({ lossForMs: 2000, scoreForMs: 2000, scoreBelow: 5, clearAfterMs: 1000 });
    const camera = 'camera:participant-7';
    feed(0, 5, () => [{ id: camera, lossPercent: 15, score: 3 }]);
    assert.deepEqual(raised.map((a) => a.rule).sort(), ['high_loss', 'low_score']);
    assert.equal(uplink.length, 1);
    assert.deepEqual(
      { ...uplink[0], message: '', at: '' },
      {
        participantId: 'participant-7',
        eventId: 'demo',
        stageId: 'keynote',
        sourceId: camera,
        level: 'poor',
        reasons: ['high_loss'],
        message: '',
        at: '',
      },
    );
    feed(6, 8, () => [{ id: camera, lossPercent: 0, score: 3 }]);
    assert.equal(uplink.length, 1, 'still poor while the score is low');
    feed(9, 20, () => [{ id: camera, lossPercent: 0, score: 10 }]);
    assert.deepEqual(
      uplink.map((w) => w.level),
      ['poor', 'ok'],
    );
  });

  it('stores each alert when raised and again when cleared', async () => {
    start({ sourceSilentMs: 1000, clearAfterMs: 0 });
    feed(0, 1, (s) => [{ id: 'onsite', receiving: false, silentForMs: s * 1000, score: null }]);
    feed(2, 2, () => [{ id: 'onsite' }]);
    await new Promise((resolve) => setImmediate(resolve));
    const stored = await store.collection('alerts').list('demo');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].id, raised[0].id);
    assert.equal(stored[0].clearedAt, new Date(T0 + 2000).toISOString());
  });
});
