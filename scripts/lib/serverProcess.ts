import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MEDIA_PORTS_PER_SERVER, type PortRange, freePort, reservePortRange } from './ports';
import { type Exit, spawnGroup } from './processGroup';
import { waitFor } from './wait';

const MAIN = path.join(__dirname, '../../server/main.ts');

export interface ServerProcess {
  url: string;
  /** The node process; the leader of a process group of its own, which holds its mediasoup workers too. */
  child: ChildProcess;
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<Exit>;
  /** SIGKILL to the server and everything in its process group; resolves once all of it is gone. */
  stop(): Promise<void>;
  /** `stop()`, then removes the data directory (also when stopping failed). */
  dispose(): Promise<void>;
}

/**
 * Spawns the real server entry point (`server/main.ts`) as its own process group. Unless `env` names
 * RTC_MIN_PORT, it gets a media port range reserved for it (given back by `stop()`).
 */
export function spawnServer(env: NodeJS.ProcessEnv, port: number, dataDir: string): ServerProcess {
  const range: PortRange | null = env.RTC_MIN_PORT === undefined ? reservePortRange(MEDIA_PORTS_PER_SERVER) : null;
  const group = spawnGroup(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      SQLITE_PATH: path.join(dataDir, 'stagecast.db'),
      HLS_DIR: path.join(dataDir, 'hls'),
      // An HLS ladder costs about a core: tests and benchmarks start it when they are about it.
      HLS_AUTOSTART: 'false',
      RECORD_SESSIONS: 'false',
      RECORDINGS_DIR: path.join(dataDir, 'recordings'),
      // Tests of admission set their own budget; the rest must not depend on how busy the machine is.
      WEBRTC_VIEWER_BUDGET: '1000000',
      WEBRTC_CPU_CEILING_PERCENT: '0',
      JOIN_BACKLOG_MAX: '0',
      MEDIASOUP_NUM_WORKERS: '2',
      // Encoders' RTMP and SRT ports from the OS: tests and benchmarks run side by side.
      RTMP_PORT: '0',
      SRT_PORT: '0',
      ...(range ? { RTC_MIN_PORT: String(range.min), RTC_MAX_PORT: String(range.max) } : {}),
      ...env,
    },
  });
  // Given back once the server has exited, however it ended (its workers follow it within moments, and a
  // worker that finds a port still taken tries another).
  void group.exited.then(() => range?.release());
  const stop = async (): Promise<void> => {
    try {
      await group.stop();
    } finally {
      range?.release();
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    child: group.child,
    dataDir,
    output: group.output,
    exited: group.exited,
    stop,
    async dispose() {
      try {
        await stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Starts a server on a free port and waits until `/readyz` is 200. A fresh data directory unless one
 * is given (a restart on the same data). A port taken between the OS handing it out and the server
 * binding it is retried with another; a fresh data directory is removed again if the start fails.
 */
export async function startServer(env: NodeJS.ProcessEnv = {}, dataDir?: string): Promise<ServerProcess> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-server-'));
  try {
    for (let attempt = 1; ; attempt++) {
      const server = spawnServer(env, await freePort(), dir);
      try {
        await waitUntilReady(server);
        return server;
      } catch (error) {
        if (attempt >= 3 || !/EADDRINUSE/.test(server.output())) throw error;
      }
    }
  } catch (error) {
    if (dataDir === undefined) fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Waits until a spawned server's `/readyz` is 200. If it exits first or is not ready in time, it is
 * stopped (its whole process group) and the error carries its output.
 */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  try {
    const state = await waitFor(
      async () => {
        if (server.child.exitCode !== null || server.child.signalCode !== null) return 'exited';
        const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(5000) });
        if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${await res.text()}`);
        return 'ready';
      },
      { what: `server ${server.url} /readyz 200`, timeoutMs },
    );
    if (state === 'exited') throw new Error('server exited before it was ready');
  } catch (error) {
    const stopped = await server.stop().then(
      () => '',
      (stopError: unknown) => `\nand stopping it failed: ${String(stopError)}`,
    );
    throw new Error(`${String(error)}${stopped}\n--- server output ---\n${server.output()}`, { cause: error });
  }
}
