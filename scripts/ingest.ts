// Pushes the hall feed into a running stagecast: a media file (looped) or, without one, a moving test
// pattern with a 440 Hz tone, encoded by ffmpeg and sent as RTP to the ports the server names.
//
//   npm run ingest -- <eventId>/<stageId> [file] [--server URL] [--token T] [--codec VP8|H264] [--size WxH]
//
// Without --token (and outside production) it mints a host token from the configured secret.
// It keeps pushing until stopped; if ffmpeg stops, it asks the server again and re-targets.
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../server/auth/tokens';
import { jwtSecretOf, loadConfig } from '../server/config';
import { type IngestTargetDto, spawnFfmpegIngest } from './ffmpegIngest';

const RETRY_MS = 1000;

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run ingest -- <eventId>/<stageId> [file] [--server URL] [--token T] [--codec VP8|H264] [--size WxH]\n`);
  process.exit(2);
}

async function requestTarget(server: string, eventId: string, stageId: string, token: string, codec: string): Promise<IngestTargetDto> {
  const res = await fetch(`${server}/api/events/${encodeURIComponent(eventId)}/stages/${encodeURIComponent(stageId)}/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ videoCodec: codec }),
  });
  const body = (await res.json()) as IngestTargetDto & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`server refused the ingest (${res.status} ${body.error?.code}): ${body.error?.message}`);
  return body;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}` },
      token: { type: 'string' },
      codec: { type: 'string', default: 'VP8' },
      size: { type: 'string', default: '1280x720' },
    },
  });
  const [stagePath, file] = positionals;
  const match = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)$/.exec(stagePath ?? '');
  if (!match) usage('give the stage as <eventId>/<stageId>');
  const [, eventId, stageId] = match as unknown as [string, string, string];
  if (values.codec !== 'VP8' && values.codec !== 'H264') usage('--codec must be VP8 or H264');

  let token = values.token;
  if (!token) {
    const config = loadConfig();
    if (config.nodeEnv === 'production') usage('--token is required in production');
    token = createTokenSigner(jwtSecretOf(config), 3600 * 24).sign({ role: 'host', eventId, name: 'ingest' });
  }

  let ffmpeg: ChildProcess | null = null;
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    ffmpeg?.kill('SIGTERM');
    process.exitCode = 0;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  while (!stopping) {
    try {
      const target = await requestTarget(values.server, eventId, stageId, token, values.codec);
      process.stdout.write(`ingest: pushing ${file ?? 'test pattern'} to ${target.ip} video:${target.video.port} audio:${target.audio.port}\n`);
      ffmpeg = spawnFfmpegIngest(target, { file, size: values.size });
      ffmpeg.stderr?.pipe(process.stderr);
      const code = await new Promise<number | null>((resolve) => ffmpeg?.once('exit', (c) => resolve(c)));
      ffmpeg = null;
      if (!stopping) process.stderr.write(`ingest: ffmpeg exited (${code}); re-targeting\n`);
    } catch (error) {
      process.stderr.write(`ingest: ${error instanceof Error ? error.message : String(error)}; retrying\n`);
    }
    if (!stopping) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest: ${String(error)}\n`);
  process.exit(1);
});
