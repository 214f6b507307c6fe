import { createTokenSigner } from '../server/auth/tokens';
import { DEV_JWT_SECRET } from '../server/config';
import { type IngestTargetDto, spawnFfmpegIngest } from './ffmpegIngest';
import { Viewer } from './lib/viewer';
async function main(): Promise<void> {
  const [url, countArg] = process.argv.slice(2);
  const signer = createTokenSigner(DEV_JWT_SECRET, 3600);
  const host = signer.sign({ role: 'host', eventId: 'demo', name: 'bench' });
  const res = await fetch(`${url}/api/events/demo/stages/keynote/ingest`, { method: 'POST', headers: { authorization: `Bearer ${host}`, 'content-type': 'application/json' }, body: '{}' });
  const ff = spawnFfmpegIngest((await res.json()) as IngestTargetDto, { size: '320x180', videoBitrate: '300k' });
  await new Promise((r) => setTimeout(r, 3000));
  await fetch(`${url}/prof-mark-start`).catch(() => undefined);
  const viewers: Viewer[] = [];
  for (let batch = 0; batch < Number(countArg) / 20; batch++) {
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const v = await Viewer.connect(url, signer.sign({ role: 'attendee', eventId: 'demo', name: `v${batch}-${i}` }));
      await v.join('keynote'); await v.openRecvTransport(); await v.consumeAll(); viewers.push(v);
    }));
  }
  await fetch(`${url}/prof-mark-end`).catch(() => undefined);
  console.log('joined', viewers.length);
  ff.kill('SIGKILL');
  process.exit(0);
}
void main();
