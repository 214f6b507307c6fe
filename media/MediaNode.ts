import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { MediaPeer } from './MediaPeer';
import { StageMedia } from './StageMedia';
import type { WorkerPicker } from './stageMediaTypes';
import { MediaError, type MediaOptions } from './types';
import type { WorkerPool } from './WorkerPool';

/**
 * The SFU of one node: the stages it hosts, on the workers of its pool. Balances routers over
 * workers by the consumers each carries. Does not own the pool (the composition root does).
 */
export interface MediaNodeEvents {
  /** A stage's media opened on this node (first viewer or source); its program may need restoring. */
  stageopened: [StageMedia];
}

export class MediaNode extends EventEmitter<MediaNodeEvents> implements WorkerPicker {
  readonly #stages = new Map<string, StageMedia>();
  readonly #opening = new Map<string, Promise<StageMedia>>();
  readonly #logger: Logger;
  #prepare: ((stage: StageMedia) => Promise<void>) | null = null;
  #closed = false;

  constructor(
    private readonly pool: WorkerPool,
    readonly options: MediaOptions,
    private readonly rootLogger: Logger,
  ) {
    super();
    this.#logger = rootLogger.child({ module: 'MediaNode' });
  }

  get stages(): ReadonlyMap<string, StageMedia> {
    return this.#stages;
  }

  pick(avoid?: types.Worker): types.Worker {
    const workers = this.pool.workers;
    if (workers.length === 0) throw new MediaError('unavailable', 'no mediasoup worker is alive');
    const load = (worker: types.Worker): number => {
      let consumers = 0;
      let routers = 0;
      for (const stage of this.#stages.values()) {
        consumers += stage.consumersOn(worker);
        routers += stage.routersOn(worker);
      }
      // The worker to avoid (a stage's origin, which also feeds every pipe) counts as if it carried
      // one full distribution router more: the first router goes elsewhere, later ones still balance.
      if (worker === avoid) consumers += this.options.maxConsumersPerRouter;
      // Consumers dominate the cost; routers break ties so empty stages spread too.
      return consumers * 1000 + routers;
    };
    return workers.reduce((best, worker) => (load(worker) < load(best) ? worker : best));
  }

  /**
   * Work to finish on a newly created stage before anyone uses it (on an edge node of a cluster:
   * bringing the origin's sources here). A failure is the preparer's to handle; the stage opens anyway.
   */
  onStageOpening(prepare: (stage: StageMedia) => Promise<void>): void {
    this.#prepare = prepare;
  }

  /** Consumers open on this node (viewers' and previews'), against the capacity it announces. */
  get consumerCount(): number {
    let count = 0;
    for (const stage of this.#stages.values()) count += stage.consumerCount;
    return count;
  }

  /** The stage's media, opened on first use. Concurrent callers share one opening. */
  async stage(key: string): Promise<StageMedia> {
    if (this.#closed) throw new MediaError('unavailable', 'media node closed');
    const existing = this.#stages.get(key);
    if (existing) return existing;
    let opening = this.#opening.get(key);
    if (!opening) {
      opening = StageMedia.create(key, this, this.options, this.rootLogger).then(async (stage) => {
        await this.#prepare?.(stage).catch((error: unknown) => this.#logger.warn({ err: error, stage: key }, 'stage preparation failed'));
        this.#stages.set(key, stage);
        stage.once('@close', () => {
          if (this.#stages.get(key) === stage) this.#stages.delete(key);
        });
        this.#logger.info({ stage: key, worker: stage.originWorker.pid }, 'stage opened');
        this.emit('stageopened', stage);
        return stage;
      });
      this.#opening.set(key, opening);
      opening.then(
        () => this.#opening.delete(key),
        () => this.#opening.delete(key),
      );
    }
    return opening;
  }

  existingStage(key: string): StageMedia | undefined {
    return this.#stages.get(key);
  }

  async createPeer(stageKey: string, peer: { participantId: string; displayName: string; followsProgram: boolean }): Promise<MediaPeer> {
    const stage = await this.stage(stageKey);
    return new MediaPeer(peer.participantId, peer.displayName, stage, peer.followsProgram, this.rootLogger, (router) =>
      this.pool.portsExhausted(router),
    );
  }

  closeStage(key: string): void {
    this.#stages.get(key)?.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stage of [...this.#stages.values()]) stage.close();
  }
}
