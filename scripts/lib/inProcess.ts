import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createTokenSigner, type Role } from '../../server/auth/tokens';
import { DEV_JWT_SECRET, loadConfig } from '../../server/config';
import { Stagecast } from '../../server/Stagecast';

/** A real stagecast node in this process, on a free port, with its own SQLite file. */
export async function startStagecast(
  env: Record<string, string> = {},
): Promise<{ node: Stagecast; url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-node-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    SQLITE_PATH: path.join(dir, 'stagecast.db'),
    HLS_DIR: path.join(dir, 'hls'),
    // An HLS ladder costs about a core: tests and benchmarks start it when they are about it.
    HLS_AUTOSTART: 'false',
    RECORD_SESSIONS: 'false',
    RECORDINGS_DIR: path.join(dir, 'recordings'),
    // Benchmarks measure how many WebRTC viewers a node holds; tests of admission set their own budget.
    WEBRTC_VIEWER_BUDGET: '1000000',
    WEBRTC_CPU_CEILING_PERCENT: '0',
    MEDIASOUP_NUM_WORKERS: '2',
    RTC_LISTEN_IP: '127.0.0.1',
    ...env,
  });
  const node = await Stagecast.start(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    node,
    url: `http://127.0.0.1:${node.port}`,
    async stop() {
      await node.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs with the development secret, which servers started without JWT_SECRET use. */
export const devSigner = createTokenSigner(DEV_JWT_SECRET, 3600);

export function tokenFor(role: Role, eventId = 'demo', name: string = role, stageId?: string): string {
  return devSigner.sign({ role, eventId, name, stageId });
}
