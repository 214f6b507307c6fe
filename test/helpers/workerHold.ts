import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processGroupMembers } from '../../scripts/lib/processGroup';

const WRAPPER = path.join(__dirname, '../fixtures/held-mediasoup-worker.sh');
const REAL_WORKER = path.join(path.dirname(require.resolve('mediasoup/package.json')), 'worker/out/Release/mediasoup-worker');

/**
 * Holds the start of mediasoup workers in a server process, so a test can observe the time between a
 * worker's death and its replacement deterministically rather than race the pool's respawn delay. The
 * server runs the real worker through test/fixtures/held-mediasoup-worker.sh (mediasoup's
 * MEDIASOUP_WORKER_BIN), which waits while the hold is on and then becomes the real worker.
 */
export class WorkerHold {
  readonly #dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-worker-hold-'));
  readonly #file = path.join(this.#dir, 'hold');

  /** Environment for the server process (spawnServer / startServer). */
  get env(): Record<string, string> {
    return { MEDIASOUP_WORKER_BIN: WRAPPER, STAGECAST_REAL_WORKER_BIN: REAL_WORKER, STAGECAST_WORKER_HOLD_FILE: this.#file };
  }

  /** Workers started from now on wait until `release()`. */
  hold(): void {
    fs.writeFileSync(this.#file, '');
  }

  /** Workers of a server (its process group) waiting to start: the pool asked for them and they are held. */
  waiting(serverPid: number): number {
    // The script's process name until it becomes the worker (the kernel keeps 15 characters of it).
    return processGroupMembers(serverPid).filter((p) => p.name === path.basename(WRAPPER).slice(0, 15)).length;
  }

  release(): void {
    fs.rmSync(this.#file, { force: true });
  }

  /** Releases and removes its directory. */
  dispose(): void {
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
