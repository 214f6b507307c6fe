import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { freePort } from './ports';
import { type GroupProcess, spawnGroup } from './processGroup';
import { waitFor } from './wait';

/**
 * A real redis-server on loopback, started by a test or a benchmark, with an append-only file fsynced
 * on every write, in its own temporary directory and its own process group. `restart()` keeps the
 * directory and the port, so data must survive.
 */
export class RedisServer {
  #process: GroupProcess | null = null;

  private constructor(
    public port: number,
    readonly dir: string,
  ) {}

  /** On a port from the OS; one taken meanwhile by someone else is retried with another. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-redis-')));
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await server.#spawn();
          return server;
        } catch (error) {
          if (attempt >= 3 || !/Address already in use/i.test(server.#process?.output() ?? '')) throw error;
          await server.kill();
          server.port = await freePort();
        }
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async #spawn(): Promise<void> {
    const child = spawnGroup('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ]);
    this.#process = child;
    const state = await waitFor(async () => (child.child.exitCode !== null || child.child.signalCode !== null ? 'exited' : this.#ping()), {
      what: `redis-server on port ${this.port} answering PING`,
      timeoutMs: 10_000,
    });
    if (state === 'exited') throw new Error(`redis-server exited at start: ${child.output().trim()}`);
  }

  /** One connection attempt (no retry, no queue) and a PING. */
  async #ping(): Promise<'ready' | undefined> {
    const client = createClient({ url: this.url, disableOfflineQueue: true, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG' ? 'ready' : undefined;
    } finally {
      if (client.isOpen) client.destroy();
    }
  }

  /** SIGKILL: no shutdown save, so only what the append-only file holds comes back. */
  async kill(): Promise<void> {
    await this.#process?.stop();
    this.#process = null;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn();
  }

  /** Kills it and removes its directory (even when the kill fails). */
  async stop(): Promise<void> {
    try {
      await this.kill();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
