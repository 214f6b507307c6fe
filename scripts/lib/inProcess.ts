import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createTokenSigner, type Role } from '../../server/auth/tokens';
import { DEV_JWT_SECRET, loadConfig } from '../../server/config';
import { Stagecast } from '../../server/Stagecast';
import { MEDIA_PORTS_PER_SERVER, reservePortRange } from './ports';

/**
 * A real stagecast node in this process, on a port from the OS, with its own SQLite file and, unless
 * `env` names RTC_MIN_PORT, a media port range of `mediaPorts` ports reserved for it. `stop()` closes it and gives back the
 * directory and the ports even when closing fails; so does a failed start.
 */
export async function startStagecast(
  env: Record<string, string> = {},
  { mediaPorts = MEDIA_PORTS_PER_SERVER }: { mediaPorts?: number } = {},
): Promise<{ node: Stagecast; url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-node-'));
  const range = env.RTC_MIN_PORT === undefined ? reservePortRange(mediaPorts) : null;
  const release = (): void => {
    range?.release();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let node: Stagecast;
  try {
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
      JOIN_BACKLOG_MAX: '0',
      MEDIASOUP_NUM_WORKERS: '2',
      // Encoders' RTMP and SRT ports from the OS: tests and benchmarks run side by side.
      RTMP_PORT: '0',
      SRT_PORT: '0',
      RTC_LISTEN_IP: '127.0.0.1',
      ...(range ? { RTC_MIN_PORT: String(range.min), RTC_MAX_PORT: String(range.max) } : {}),
      ...env,
    });
    node = await Stagecast.start(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  } catch (error) {
    release();
    throw error;
  }
  return {
    node,
    url: `http://127.0.0.1:${node.port}`,
    async stop() {
      try {
        await node.close();
      } finally {
        release();
      }
    },
  };
}

/** Signs with the development secret, which servers started without JWT_SECRET use. */
export const devSigner = createTokenSigner(DEV_JWT_SECRET, 3600);

export function tokenFor(role: Role, eventId = 'demo', name: string = role, stageId?: string): string {
  // An interpreter's token always names its booth (one without is refused): the keynote's English one unless told.
  if (role === 'interpreter') return devSigner.sign({ role, eventId, name, stageId: stageId ?? 'keynote', language: 'en' });
  return devSigner.sign({ role, eventId, name, stageId });
}
