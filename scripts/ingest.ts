// Pushes the hall feed into a running stagecast: a media file (looped) or, without one, a moving test
// pattern with a 440 Hz tone, encoded by ffmpeg and sent as RTP to the ports the server names.
//
//   npm run ingest -- <eventId>/<stageId> [file] [--server URL[,URL…]] [--token T] [--codec VP8|H264] [--size WxH] [--feed NAME]
//
// Without --token (and outside production) it mints a host token from the configured secret.
// It keeps pushing until stopped. ffmpeg never notices that nobody listens any more (RTP is UDP), so
// the script asks the API twice a second where the feed is expected; when the answer changes (the
// stage's origin node died and another took over, or a worker was replaced) or the feed is gone, it
// opens the feed again and re-targets. With several --server addresses (nodes of a cluster) it asks
// the next one when one does not answer.
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../server/auth/tokens';
import { jwtSecretOf, loadConfig } from '../server/config';
import { type IngestTargetDto, spawnFfmpegIngest } from './ffmpegIngest';

const RETRY_MS = 1000;
const POLL_MS = 500;
const REQUEST_TIMEOUT_MS = 3000;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run ingest -- <eventId>/<stageId> [file] [--server URL[,URL…]] [--token T] [--codec VP8|H264] [--size WxH] [--feed NAME]\n`,
  );
  process.exit(2);
}

interface FeedApi {
  servers: string[];
  path: string;
  token: string;
  codec: string;
  feed: string | undefined;
}

type Answer = { status: number; body: IngestTargetDto & { error?: { code: string; message: string } } };

/** Asks the servers in turn until one answers (any HTTP status); null when none does. */
async function ask(api: FeedApi, method: 'GET' | 'POST'): Promise<Answer | null> {
  for (const server of api.servers) {
    try {
      const query = method === 'GET' && api.feed ? `?feed=${encodeURIComponent(api.feed)}` : '';
      const res = await fetch(`${server}${api.path}${query}`, {
        method,
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ videoCodec: api.codec, ...(api.feed ? { feed: api.feed } : {}) }) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const answer = { status: res.status, body: (await res.json()) as Answer['body'] };
      // A node that cannot reach the stage's origin right now: another node may.
      if (answer.status === 503) continue;
      return answer;
    } catch {
      // Unreachable (a dead node): try the next one.
    }
  }
  return null;
}

async function openFeed(api: FeedApi): Promise<IngestTargetDto> {
  const answer = await ask(api, 'POST');
  if (!answer) throw new Error(`no server answered (${api.servers.join(', ')})`);
  if (answer.status !== 201)
    throw new Error(`server refused the ingest (${answer.status} ${answer.body.error?.code}): ${answer.body.error?.message}`);
  return answer.body;
}

function sameTarget(a: IngestTargetDto, b: IngestTargetDto): boolean {
  return (
    a.ip === b.ip &&
    a.video.port === b.video.port &&
    a.audio.port === b.audio.port &&
    a.video.ssrc === b.video.ssrc &&
    a.audio.ssrc === b.audio.ssrc
  );
}

/** Resolves with a reason once the feed is no longer expected where ffmpeg sends it. */
async function watchTarget(api: FeedApi, target: IngestTargetDto, stopped: () => boolean): Promise<string> {
  while (!stopped()) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const answer = await ask(api, 'GET');
    if (!answer) continue;
    if (answer.status === 404) return 'the feed is no longer open';
    if (answer.status === 200 && !sameTarget(answer.body, target)) return `the feed moved to ${answer.body.ip}`;
  }
  return 'stopped';
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}` },
      token: { type: 'string' },
      codec: { type: 'string', default: 'VP8' },
      size: { type: 'string', default: '1280x720' },
      feed: { type: 'string' },
    },
  });
  const [stagePath, file] = positionals;
  const match = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)$/.exec(stagePath ?? '');
  if (!match) usage('give the stage as <eventId>/<stageId>');
  const [, eventId, stageId] = match as unknown as [string, string, string];
  if (values.codec !== 'VP8' && values.codec !== 'H264') usage('--codec must be VP8 or H264');
  if (values.feed !== undefined && !/^[a-z0-9]{1,16}$/.test(values.feed)) usage('--feed must be 1–16 lowercase letters or digits');

  let token = values.token;
  if (!token) {
    const config = loadConfig();
    if (config.nodeEnv === 'production') usage('--token is required in production');
    token = createTokenSigner(jwtSecretOf(config), 3600 * 24).sign({ role: 'host', eventId, name: 'ingest' });
  }
  const api: FeedApi = {
    servers: values.server
      .split(',')
      .map((server) => server.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    path: `/api/events/${encodeURIComponent(eventId)}/stages/${encodeURIComponent(stageId)}/ingest`,
    token,
    codec: values.codec,
    feed: values.feed,
  };

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
      const target = await openFeed(api);
      process.stdout.write(
        `ingest: pushing ${file ?? 'test pattern'} to ${target.ip} video:${target.video.port} audio:${target.audio.port}\n`,
      );
      const encoder = spawnFfmpegIngest(target, { file, size: values.size });
      ffmpeg = encoder;
      encoder.stderr?.pipe(process.stderr);
      const exited = new Promise<string>((resolve) => encoder.once('exit', (code) => resolve(`ffmpeg exited (${code})`)));
      const reason = await Promise.race([exited, watchTarget(api, target, () => stopping || encoder.exitCode !== null)]);
      const ffmpegFailed = encoder.exitCode !== null;
      encoder.kill('SIGTERM');
      ffmpeg = null;
      if (!stopping) process.stderr.write(`ingest: ${reason}; re-targeting\n`);
      // The API named a change: open the feed again at once (the hall is on air). A failing ffmpeg waits.
      if (!ffmpegFailed) continue;
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
