import type { types } from 'mediasoup';
import type { MediaPeer } from '../MediaPeer';
import type { StageMedia } from '../StageMedia';
import { MAX_SCORE } from './types';

/** What a tracker needs of a consumer; mediasoup's Consumer has it (tests pass fakes). */
export interface ObservedConsumer {
  readonly producerId: string;
  readonly closed: boolean;
  readonly paused: boolean;
  readonly producerPaused: boolean;
  readonly score: { score: number };
  readonly observer: {
    on(event: 'score', listener: (score: types.ConsumerScore) => void): unknown;
    on(event: 'pause' | 'resume', listener: () => void): unknown;
    once(event: 'close', listener: () => void): unknown;
  };
}

/** Whether a consumer's packets can reach their viewer: its peer's receive transport is connected. */
export interface MediaPath {
  readonly receiving: boolean;
}

/** For consumers whose path is not tracked (tests' fakes): always up. */
const ALWAYS_UP: MediaPath = { receiving: true };

interface FollowedConsumer {
  producerId: string;
  viewer: boolean;
  paused: boolean;
  path: MediaPath;
  /** Forwarding to a viewer whose transport is up: not paused, and its path receiving. */
  active: boolean;
  score: number;
}

interface ActiveCount {
  all: number;
  viewers: number;
}

export interface StageCounts {
  viewers: number;
  previews: number;
  consumers: number;
  activeConsumers: number;
  joins: number;
  programSwitches: number;
  /** Consumers per score 0–10 (a copy). */
  consumerScores: number[];
  /** Score push events handled so far: the event-driven part of the health cost. */
  scoreEvents: number;
}

function bucketOf(score: number): number {
  return Number.isFinite(score) ? Math.min(MAX_SCORE, Math.max(0, Math.round(score))) : 0;
}

/**
 * Follows one stage's peers and consumers through events, so a health sample reads viewer counts, the
 * distribution of consumer scores and the consumers forwarding each producer in O(1) per stage and
 * producer, whatever the number of viewers. Each consumer costs a few listeners on its own observer
 * (gone with it) and a counter update per push event; nothing is polled per viewer.
 * Attach it when the stage opens, before peers join (the sampler does, on `stageopened`).
 */
export class StageTracker {
  readonly #scores: number[] = new Array<number>(MAX_SCORE + 1).fill(0);
  readonly #activeByProducer = new Map<string, ActiveCount>();
  /** The followed consumers of each peer, to update when its transport connects or fails. */
  readonly #byPath = new Map<MediaPath, Set<FollowedConsumer>>();
  #viewers = 0;
  #previews = 0;
  #consumers = 0;
  #activeConsumers = 0;
  #joins = 0;
  #programSwitches = 0;
  #scoreEvents = 0;
  readonly #detach: () => void;

  constructor(stage: StageMedia) {
    const onPeerAdded = (peer: MediaPeer): void => {
      this.#joins += 1;
      if (peer.followsProgram) this.#viewers += 1;
      else this.#previews += 1;
    };
    const onPeerRemoved = (peer: MediaPeer): void => {
      if (peer.followsProgram) this.#viewers -= 1;
      else this.#previews -= 1;
    };
    const onConsumer = ({ peer, consumer }: { peer: MediaPeer; consumer: types.Consumer }): void =>
      this.follow(consumer, peer.followsProgram, peer);
    const onReceiving = (peer: MediaPeer): void => {
      for (const entry of this.#byPath.get(peer) ?? []) this.#update(entry);
    };
    const onProgram = (): void => {
      this.#programSwitches += 1;
    };
    stage.on('peeradded', onPeerAdded);
    stage.on('peerremoved', onPeerRemoved);
    stage.on('consumeropened', onConsumer);
    stage.on('peerreceiving', onReceiving);
    stage.on('programchanged', onProgram);
    this.#detach = () => {
      stage.off('peerreceiving', onReceiving);
      stage.off('peeradded', onPeerAdded);
      stage.off('peerremoved', onPeerRemoved);
      stage.off('consumeropened', onConsumer);
      stage.off('programchanged', onProgram);
    };
  }

  /**
   * Starts counting a consumer; public so tests can drive the tracker with fake consumers. `path`
   * (its peer) says whether packets can reach the viewer; the stage's `peerreceiving` event updates it.
   */
  follow(consumer: ObservedConsumer, viewer: boolean, path: MediaPath = ALWAYS_UP): void {
    if (consumer.closed) return;
    const entry: FollowedConsumer = {
      producerId: consumer.producerId,
      viewer,
      paused: consumer.paused || consumer.producerPaused,
      path,
      active: false,
      score: bucketOf(consumer.score.score),
    };
    this.#consumers += 1;
    this.#scores[entry.score] += 1;
    let siblings = this.#byPath.get(path);
    if (!siblings) {
      siblings = new Set();
      this.#byPath.set(path, siblings);
    }
    siblings.add(entry);
    this.#update(entry);
    const { observer } = consumer;
    observer.on('score', (score) => {
      this.#scoreEvents += 1;
      const next = bucketOf(score.score);
      if (next === entry.score) return;
      this.#scores[entry.score] -= 1;
      this.#scores[next] += 1;
      entry.score = next;
    });
    // The observer's pause/resume fire on changes of the effective state: the consumer's own pause
    // or its producer's (a program switch pauses the pipe feeding a distribution router).
    observer.on('pause', () => {
      entry.paused = true;
      this.#update(entry);
    });
    observer.on('resume', () => {
      entry.paused = false;
      this.#update(entry);
    });
    observer.once('close', () => {
      this.#consumers -= 1;
      this.#scores[entry.score] -= 1;
      entry.paused = true;
      this.#update(entry);
      const group = this.#byPath.get(path);
      group?.delete(entry);
      if (group?.size === 0) this.#byPath.delete(path);
    });
  }

  counts(): StageCounts {
    return {
      viewers: this.#viewers,
      previews: this.#previews,
      consumers: this.#consumers,
      activeConsumers: this.#activeConsumers,
      joins: this.#joins,
      programSwitches: this.#programSwitches,
      consumerScores: [...this.#scores],
      scoreEvents: this.#scoreEvents,
    };
  }

  /** Consumers actively forwarding a producer: all of them, and those of viewers. */
  activeConsumersOf(producerId: string): ActiveCount {
    return this.#activeByProducer.get(producerId) ?? { all: 0, viewers: 0 };
  }

  detach(): void {
    this.#detach();
  }

  #update(entry: FollowedConsumer): void {
    const active = !entry.paused && entry.path.receiving;
    if (active === entry.active) return;
    entry.active = active;
    this.#changeActive(entry, active ? 1 : -1);
  }

  #changeActive(entry: FollowedConsumer, delta: 1 | -1): void {
    this.#activeConsumers += delta;
    let count = this.#activeByProducer.get(entry.producerId);
    if (!count) {
      count = { all: 0, viewers: 0 };
      this.#activeByProducer.set(entry.producerId, count);
    }
    count.all += delta;
    if (entry.viewer) count.viewers += delta;
    if (count.all === 0) this.#activeByProducer.delete(entry.producerId);
  }
}
