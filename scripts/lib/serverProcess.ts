import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './wait';

const MAIN = path.join(__dirname, '../../server/main.ts');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Spawns the real server entry point (`server/main.ts`) as its own process. */
export function spawnServer(env: NodeJS.ProcessEnv, port: number, dataDir: string): ServerProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
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
      MEDIASOUP_NUM_WORKERS: '2',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    dataDir,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Starts a server on a free port and waits until `/readyz` is 200. A fresh data directory unless one
 * is given (a restart on the same data).
 */
export async function startServer(
  env: NodeJS.ProcessEnv = {},
  dataDir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-server-')),
): Promise<ServerProcess> {
  const server = spawnServer(env, await freePort(), dataDir);
  await waitUntilReady(server);
  return server;
}

/**
 * Waits until a spawned server's `/readyz` is 200. If it exits first or is not ready in time, it is
 * stopped and the error carries its output.
 */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  try {
    const state = await waitFor(
      async () => {
        if (server.child.exitCode !== null || server.child.signalCode !== null) return 'exited';
        const res = await fetch(`${server.url}/readyz`);
        return res.status === 200 ? 'ready' : undefined;
      },
      timeoutMs,
      'server /readyz',
    );
    if (state === 'exited') throw new Error('server exited before it was ready');
  } catch (error) {
    await server.stop();
    throw new Error(`${String(error)}\n--- server output ---\n${server.output()}`, { cause: error });
  }
}
