import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { SampleHistory } from '../../../media/health/SampleHistory';
import { type ObservedConsumer, StageTracker } from '../../../media/health/StageTracker';
import type { MediaPeer } from '../../../media/MediaPeer';
import type { StageMedia } from '../../../media/StageMedia';

/** A consumer as mediasoup reports it: state plus an observer that emits score, pause, resume, close. */
class FakeConsumer implements ObservedConsumer {
  readonly observer = new EventEmitter();
  closed = false;
  score = { score: 10 };
  constructor(
    readonly producerId: string,
    public paused = false,
    public producerPaused = false,
  ) {}
}

function peer(followsProgram: boolean): MediaPeer {
  return { followsProgram } as unknown as MediaPeer;
}

describe('StageTracker (viewer counts and consumer scores from push events)', () => {
  let stage: EventEmitter;
  let tracker: StageTracker;

  beforeEach(() => {
    stage = new EventEmitter();
    tracker = new StageTracker(stage as unknown as StageMedia);
  });

  it('counts viewers and previews as peers come and go, and joins cumulatively', () => {
    const [a, b, host] = [peer(true), peer(true), peer(false)];
    for (const p of [a, b, host]) stage.emit('peeradded', p);
    stage.emit('peerremoved', a);
    assert.deepEqual([tracker.counts().viewers, tracker.counts().previews, tracker.counts().joins], [1, 1, 3]);
  });

  it('keeps the score histogram and the active consumers per producer up to date, and forgets closed consumers', () => {
    const consumers = Array.from({ length: 5 }, () => new FakeConsumer('video-1'));
    consumers.forEach((c) => tracker.follow(c, true));
    const paused = new FakeConsumer('audio-1', true);
    tracker.follow(paused, false);
    assert.deepEqual(tracker.counts().consumerScores, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6]);
    assert.deepEqual(tracker.activeConsumersOf('video-1'), { all: 5, viewers: 5 });
    assert.deepEqual(tracker.activeConsumersOf('audio-1'), { all: 0, viewers: 0 });

    consumers[0].observer.emit('score', { score: 3, producerScore: 10, producerScores: [] });
    consumers[1].observer.emit('score', { score: 3, producerScore: 10, producerScores: [] });
    consumers[1].observer.emit('score', { score: 7, producerScore: 10, producerScores: [] });
    consumers[2].observer.emit('pause');
    consumers[2].observer.emit('pause');
    paused.observer.emit('resume');
    consumers[3].observer.emit('close');

    const counts = tracker.counts();
    assert.deepEqual(counts.consumerScores, [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 3]);
    assert.equal(counts.consumers, 5);
    assert.equal(counts.activeConsumers, 4);
    assert.equal(counts.scoreEvents, 3);
    assert.deepEqual(tracker.activeConsumersOf('video-1'), { all: 3, viewers: 3 });
    assert.deepEqual(tracker.activeConsumersOf('audio-1'), { all: 1, viewers: 0 }, 'a preview counts for bitrate out, not as a viewer');
  });

  it('counts program switches and stops following the stage once detached', () => {
    stage.emit('programchanged', 'onsite');
    stage.emit('programchanged', 'camera:x');
    tracker.detach();
    stage.emit('programchanged', 'onsite');
    stage.emit('peeradded', peer(true));
    assert.deepEqual([tracker.counts().programSwitches, tracker.counts().joins], [2, 0]);
  });
});

describe('SampleHistory', () => {
  it('keeps the newest items in order, up to its capacity', () => {
    const history = new SampleHistory<number>(3);
    assert.deepEqual(history.toArray(), []);
    assert.equal(history.latest(), undefined);
    for (let i = 1; i <= 7; i++) history.push(i);
    assert.deepEqual(history.toArray(), [5, 6, 7]);
    assert.equal(history.latest(), 7);
    assert.equal(history.size, 3);
    history.clear();
    assert.deepEqual(history.toArray(), []);
  });
});
