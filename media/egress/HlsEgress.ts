import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type { HlsHealth } from '../health/types';
import type { MediaNode } from '../MediaNode';
import type { StageMedia } from '../StageMedia';
import { MediaError } from '../types';
import { NO_LANGUAGES, type StageLanguages } from './audioRenditions';
import { type ListedSegment, StageHls, type StageHlsOptions, type StageHlsStatus } from './StageHls';

export interface HlsEgressOptions extends Omit<StageHlsOptions, 'dir'> {
  /** Each stage writes under `<rootDir>/<eventId>/<stageId>`. */
  rootDir: string;
  /** Start a stage's stream when it gets its first video source (else only by API). */
  autoStart: boolean;
  /** A stream with no video source for this long stops. */
  idleStopMs: number;
  /** Whether a stage is streamed at all (a private meeting room is not). */
  streamed: (stageKey: string) => boolean;
  /** A stage's languages (stage settings): each interpretation channel becomes an audio rendition. None when absent. */
  languagesOf?: (stageKey: string) => Promise<StageLanguages>;
}

function hasVideo(stage: StageMedia): boolean {
  return stage.sources.some((s) => s.producers.some((p) => p.kind === 'video'));
}

/**
 * The HLS streams of the stages whose origin is this node: started on a stage's first video source
 * (or by API), stopped after `idleStopMs` without one (or by API), closed with the node.
 */
export class HlsEgress extends EventEmitter<{ segment: [ListedSegment] }> {
  readonly #streams = new Map<string, StageHls>();
  readonly #starting = new Map<string, Promise<StageHls>>();
  readonly #idle = new Map<string, NodeJS.Timeout>();
  readonly #logger: Logger;
  #closed = false;

  constructor(
    private readonly media: MediaNode,
    readonly options: HlsEgressOptions,
    logger: Logger,
    /** Whether this node is the stage's origin (always, on a single node). */
    private readonly isOrigin: (stageKey: string) => boolean = () => true,
  ) {
    super();
    this.#logger = logger.child({ module: 'HlsEgress' });
    media.on('stageopened', (stage) => this.#watch(stage));
    for (const stage of media.stages.values()) this.#watch(stage);
  }

  /** The running stream of a stage; undefined when none runs. */
  stream(stageKey: string): StageHls | undefined {
    return this.#streams.get(stageKey);
  }

  health(stageKey: string, nowMs: number): HlsHealth | null {
    return this.#streams.get(stageKey)?.health(nowMs) ?? null;
  }

  status(stageKey: string): StageHlsStatus | null {
    return this.#streams.get(stageKey)?.status() ?? null;
  }

  /** Starts a stage's stream (the stage's media opens if it was not); answers its status. */
  async start(stageKey: string): Promise<StageHlsStatus> {
    if (this.#closed) throw new MediaError('unavailable', 'media node closed');
    if (!this.options.streamed(stageKey)) throw new MediaError('conflict', 'this stage is not streamed');
    if (!this.isOrigin(stageKey)) throw new MediaError('conflict', 'this stage is streamed by its origin node');
    const stage = await this.media.stage(stageKey);
    const stream = await this.#ensure(stage);
    if (!hasVideo(stage)) this.#armIdleStop(stageKey);
    return stream.status();
  }

  /** A stage's settings may have changed: its running stream follows its languages (read again). */
  async languagesChanged(stageKey: string): Promise<void> {
    // A stream still starting read the languages before this change: it follows once started.
    const stream = this.#streams.get(stageKey) ?? (await this.#starting.get(stageKey)?.catch(() => undefined));
    if (!stream || !this.options.languagesOf) return;
    await stream.setLanguages(await this.options.languagesOf(stageKey));
  }

  async stop(stageKey: string): Promise<void> {
    this.#disarmIdleStop(stageKey);
    const stream = this.#streams.get(stageKey) ?? (await this.#starting.get(stageKey)?.catch(() => undefined));
    await stream?.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#idle.values()) clearTimeout(timer);
    this.#idle.clear();
    await Promise.all([...this.#starting.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.#streams.values()].map((s) => s.close()));
  }

  #watch(stage: StageMedia): void {
    const changed = (): void => this.#sourcesChanged(stage);
    stage.on('sourceupdated', changed);
    stage.on('sourceclosed', changed);
    stage.once('@close', () => {
      this.#disarmIdleStop(stage.key);
      stage.off('sourceupdated', changed);
      stage.off('sourceclosed', changed);
    });
    changed();
  }

  #sourcesChanged(stage: StageMedia): void {
    if (this.#closed || stage.closed) return;
    if (hasVideo(stage)) {
      this.#disarmIdleStop(stage.key);
      if (this.options.autoStart && this.options.streamed(stage.key) && this.isOrigin(stage.key)) {
        this.#ensure(stage).catch((error: unknown) => this.#logger.error({ err: error, stage: stage.key }, 'HLS stream did not start'));
      }
    } else if (this.#streams.has(stage.key)) {
      this.#armIdleStop(stage.key);
    }
  }

  #ensure(stage: StageMedia): Promise<StageHls> {
    const running = this.#streams.get(stage.key);
    if (running) return Promise.resolve(running);
    let starting = this.#starting.get(stage.key);
    if (!starting) {
      const dir = path.join(this.options.rootDir, ...stage.key.split('/'));
      const languages = this.options.languagesOf?.(stage.key) ?? Promise.resolve(NO_LANGUAGES);
      starting = languages
        .then((known) => StageHls.start(stage, { ...this.options, dir }, known, this.#logger))
        .then(
          (stream) => {
            this.#starting.delete(stage.key);
            this.#streams.set(stage.key, stream);
            stream.on('segment', (segment) => this.emit('segment', segment));
            stream.once('@close', () => {
              if (this.#streams.get(stage.key) === stream) this.#streams.delete(stage.key);
            });
            this.#logger.info({ stage: stage.key }, 'HLS stream started');
            return stream;
          },
          (error: unknown) => {
            this.#starting.delete(stage.key);
            throw error;
          },
        );
      this.#starting.set(stage.key, starting);
    }
    return starting;
  }

  #armIdleStop(stageKey: string): void {
    if (this.#idle.has(stageKey)) return;
    const timer = setTimeout(() => {
      this.#idle.delete(stageKey);
      this.#logger.info({ stage: stageKey }, 'HLS stream stopped: no source');
      void this.#streams.get(stageKey)?.close();
    }, this.options.idleStopMs);
    timer.unref();
    this.#idle.set(stageKey, timer);
  }

  #disarmIdleStop(stageKey: string): void {
    const timer = this.#idle.get(stageKey);
    if (timer) clearTimeout(timer);
    this.#idle.delete(stageKey);
  }
}
