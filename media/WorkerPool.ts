import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { WorkerPorts, type WorkerPortUsage } from './ports';
import { waitForExit } from './processExit';

export interface WorkerPoolOptions {
  numWorkers: number;
  /** The RTC port range is split evenly, so each worker (and its replacement) owns a fixed slice. */
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: types.WorkerLogLevel;
  logger: Logger;
  /** Delay before a dead worker is replaced, doubled on each failed attempt up to 10 s. Default 500 ms. */
  respawnDelayMs?: number;
}

export interface WorkerSlotStatus {
  index: number;
  pid: number | null;
  alive: boolean;
  restarts: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  ports: WorkerPortUsage;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

export interface WorkerReplacedEvent {
  index: number;
  pid: number;
  worker: types.Worker;
}

export interface WorkerPoolEvents {
  workerdied: [WorkerDiedEvent];
  workerreplaced: [WorkerReplacedEvent];
}

interface Slot {
  index: number;
  worker: types.Worker | null;
  /** The ports its live worker's transports hold; null while the slot has no worker. */
  ports: WorkerPorts | null;
  restarts: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  respawnTimer: NodeJS.Timeout | null;
}

/**
 * One mediasoup worker per core. A worker that dies is reported (log + `workerdied`) and replaced
 * in the same slot (same port slice), announced with `workerreplaced` so owners can rebuild routers.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #slots: Slot[];
  readonly #options: Required<WorkerPoolOptions>;
  readonly #logger: Logger;
  #closed = false;
  #closing: Promise<void> | null = null;

  private constructor(options: Required<WorkerPoolOptions>) {
    super();
    this.#options = options;
    this.#logger = options.logger.child({ module: 'WorkerPool' });
    const span = Math.floor((options.rtcMaxPort - options.rtcMinPort + 1) / options.numWorkers);
    this.#slots = Array.from({ length: options.numWorkers }, (_, index) => ({
      index,
      worker: null,
      ports: null,
      restarts: 0,
      rtcMinPort: options.rtcMinPort + index * span,
      rtcMaxPort: options.rtcMinPort + (index + 1) * span - 1,
      respawnTimer: null,
    }));
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool({ respawnDelayMs: 500, ...options });
    try {
      await Promise.all(pool.#slots.map((slot) => pool.#start(slot)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live workers, in slot order. */
  get workers(): types.Worker[] {
    return this.#slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));
  }

  /** Every slot with its live worker (null while it is being replaced), in slot order. */
  slotWorkers(): { index: number; worker: types.Worker | null; restarts: number; ports: WorkerPortUsage }[] {
    return this.#slots.map((slot) => ({ index: slot.index, worker: slot.worker, restarts: slot.restarts, ports: this.#portUsage(slot) }));
  }

  /** A transport on this router could not bind a port: its worker's slice is reported full until a port frees. */
  portsExhausted(router: types.Router): void {
    const slot = this.#slots.find((s) => s.ports?.holds(router));
    slot?.ports?.bindFailed();
    this.#logger.warn(
      { worker: slot?.index, ports: slot ? `${slot.rtcMinPort}-${slot.rtcMaxPort}` : undefined },
      'no free RTC port on a worker',
    );
  }

  /** True when every slot has a live worker. */
  isReady(): boolean {
    return !this.#closed && this.#slots.every((slot) => slot.worker !== null);
  }

  status(): WorkerSlotStatus[] {
    return this.#slots.map((slot) => ({
      index: slot.index,
      pid: slot.worker?.pid ?? null,
      alive: slot.worker !== null,
      restarts: slot.restarts,
      rtcMinPort: slot.rtcMinPort,
      rtcMaxPort: slot.rtcMaxPort,
      ports: this.#portUsage(slot),
    }));
  }

  #portUsage(slot: Slot): WorkerPortUsage {
    return slot.ports?.usage ?? { inUse: { udp: 0, tcp: 0 }, total: slot.rtcMaxPort - slot.rtcMinPort + 1, exhausted: false };
  }

  /** Closes every worker and resolves once their processes have exited (SIGKILL after `exitTimeoutMs`). */
  close(exitTimeoutMs = 2000): Promise<void> {
    this.#closing ??= this.#close(exitTimeoutMs);
    return this.#closing;
  }

  async #close(exitTimeoutMs: number): Promise<void> {
    this.#closed = true;
    this.#logger.debug('close()');
    const pids: number[] = [];
    for (const slot of this.#slots) {
      if (slot.respawnTimer) clearTimeout(slot.respawnTimer);
      slot.respawnTimer = null;
      if (slot.worker) {
        pids.push(slot.worker.pid);
        slot.worker.close();
      }
      slot.worker = null;
      slot.ports = null;
    }
    await waitForExit(pids, exitTimeoutMs);
  }

  async #start(slot: Slot): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.#options.logLevel,
      rtcMinPort: slot.rtcMinPort,
      rtcMaxPort: slot.rtcMaxPort,
    });
    if (this.#closed) {
      worker.close();
      throw new Error('worker pool closed while starting a worker');
    }
    slot.worker = worker;
    slot.ports = new WorkerPorts(worker, slot.rtcMaxPort - slot.rtcMinPort + 1);
    worker.on('died', (error: Error) => this.#onDied(slot, worker, error));
    this.#logger.info({ worker: slot.index, pid: worker.pid, ports: `${slot.rtcMinPort}-${slot.rtcMaxPort}` }, 'worker started');
    return worker;
  }

  #onDied(slot: Slot, worker: types.Worker, error: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.ports = null;
    this.#logger.error({ worker: slot.index, pid: worker.pid, err: error }, 'worker died; replacing it');
    this.emit('workerdied', { index: slot.index, pid: worker.pid, error });
    this.#scheduleRespawn(slot, this.#options.respawnDelayMs);
  }

  #scheduleRespawn(slot: Slot, delayMs: number): void {
    if (this.#closed) return;
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = null;
      this.#start(slot).then(
        (worker) => {
          slot.restarts += 1;
          this.emit('workerreplaced', { index: slot.index, pid: worker.pid, worker });
        },
        (error: unknown) => {
          if (this.#closed) return;
          this.#logger.error({ worker: slot.index, err: error }, 'worker replacement failed; retrying');
          this.#scheduleRespawn(slot, Math.min(delayMs * 2, 10_000));
        },
      );
    }, delayMs);
  }
}
