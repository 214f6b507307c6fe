import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IngestTargetDto } from '../../../scripts/ffmpegIngest';
import type { GroupProcess } from '../../../scripts/lib/processGroup';
import type { RecordingRecord } from '../../../server/store/records';
import { ApiClient, ok } from '../../helpers/api';
import { startEncoder } from '../../helpers/encoder';
import { parseMediaPlaylist, probeSegment } from '../../helpers/hls';
import { type InterpreterTone, publishInterpreterTone } from '../../helpers/interpreterTone';
import { waitFor } from '../../helpers/net';
import { startStagecast, tokenFor } from '../../helpers/stagecast';
import { toneLevels } from '../../helpers/tones';

const run = promisify(execFile);
const STAGE = '/api/events/demo/stages/keynote';
const FLOOR_HZ = 440;
const EN_HZ = 880;
const PARTNER_HZ = 660;
const TONES = [FLOOR_HZ, EN_HZ, PARTNER_HZ];

/** The `EXT-X-MEDIA` lines of a master playlist, as attribute maps. */
function audioMedia(master: string): Record<string, string>[] {
  return master
    .split('\n')
    .filter((line) => line.startsWith('#EXT-X-MEDIA:'))
    .map((line) =>
      Object.fromEntries([...line.matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map(([, key, value]) => [key, value.replace(/"/g, '')])),
    );
}

/** The tone that dominates, and by how many dB over the next strongest of TONES. */
function dominant(levels: Map<number, number>): { hz: number; marginDb: number } {
  const sorted = [...levels.entries()].sort((a, b) => b[1] - a[1]);
  return { hz: sorted[0][0], marginDb: sorted[0][1] - sorted[1][1] };
}

/**
 * Interpretation over HLS with real parts: the hall feed's 440 Hz floor, interpreters' tones as Opus
 * RTP producers in their booths, the egress's ffmpeg, and ffmpeg decoding what a player would fetch.
 */
describe('HLS egress: one audio rendition per language, and recordings that keep every language', function () {
  this.timeout(120_000);
  let node: Awaited<ReturnType<typeof startStagecast>>;
  let hall: GroupProcess | undefined;
  const interpreters: InterpreterTone[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-languages-'));
  const host = () => new ApiClient(node.url).as(tokenFor('host'));

  const text = async (route: string): Promise<string | undefined> => {
    const res = await fetch(`${node.url}/hls/demo/keynote/${route}`);
    return res.status === 200 ? res.text() : undefined;
  };

  /** The newest segment of a rendition listed after `afterMs` (wall clock of its first frame), fetched over HTTP. */
  async function newestSegment(rendition: string, afterMs: number): Promise<{ file: string; sequence: number; startedAt: number }> {
    return waitFor(
      async () => {
        const listed = await text(`${rendition}/index.m3u8`);
        const newest = listed ? parseMediaPlaylist(listed).segments.at(-1) : undefined;
        if (!newest || newest.programDateTime < afterMs) return undefined;
        const res = await fetch(`${node.url}/hls/demo/keynote/${rendition}/${newest.uri}`);
        if (res.status !== 200) return undefined;
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.match(res.headers.get('cache-control') ?? '', /immutable/);
        const file = path.join(scratch, `${rendition}-${newest.uri}`);
        fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        return { file, sequence: Number.parseInt(newest.uri, 10), startedAt: newest.programDateTime };
      },
      30_000,
      `a segment of ${rendition} begun after ${new Date(afterMs).toISOString()}`,
    );
  }

  /** The loudest tone of the newest segment begun after `afterMs`, and when that segment began. */
  async function toneOf(rendition: string, afterMs: number): Promise<{ hz: number; marginDb: number; startedAt: number }> {
    const { file, startedAt } = await newestSegment(rendition, afterMs);
    return { ...dominant(await toneLevels(file, TONES)), startedAt };
  }

  before(async () => {
    node = await startStagecast({
      HLS_AUTOSTART: 'true',
      HLS_SEGMENT_SECONDS: '1',
      HLS_WINDOW_SEGMENTS: '10',
      // One small rung: this is about the sound.
      HLS_LADDER: '180p:320x180:200',
      RECORD_SESSIONS: 'true',
    });
    ok(await host().patch(STAGE, { floorLanguage: 'zh', interpretationLanguages: ['en', 'fr'], floorLevel: 0.2 }));
    const stage = await node.node.media.stage('demo/keynote');
    interpreters.push(await publishInterpreterTone(stage, { language: 'en', participantId: 'ada', frequency: EN_HZ }));
    const target = ok<IngestTargetDto>(await host().post(`${STAGE}/ingest`, { videoCodec: 'H264' }), 201);
    hall = startEncoder(target, { size: '320x180' });
  });

  after(async () => {
    for (const interpreter of interpreters) await interpreter.stop();
    await hall?.stop();
    await node?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the floor and each language as an audio rendition of one group, the floor the default', async () => {
    const master = await waitFor(async () => text('master.m3u8'), 30_000, 'the master playlist');
    const media = audioMedia(master);
    assert.deepEqual(
      media.map((m) => [m.TYPE, m.LANGUAGE, m.DEFAULT, m.AUTOSELECT, m.URI]),
      [
        ['AUDIO', 'zh', 'YES', 'YES', 'audio-floor/index.m3u8'],
        ['AUDIO', 'en', 'NO', 'YES', 'audio-en/index.m3u8'],
        ['AUDIO', 'fr', 'NO', 'YES', 'audio-fr/index.m3u8'],
      ],
    );
    assert.deepEqual(
      media.map((m) => m.NAME),
      ['中文', 'English', 'français'],
      'each named in its own language',
    );
    const group = media[0]['GROUP-ID'];
    assert.ok(media.every((m) => m['GROUP-ID'] === group));
    const variants = master.split('\n').filter((line) => line.startsWith('#EXT-X-STREAM-INF:'));
    assert.ok(variants.length > 0 && variants.every((line) => line.includes(`AUDIO="${group}"`)), 'every variant names the group');
  });

  it("each rendition's segments decode as audio, carry program date-times, and the right language's sound: 880 Hz in en, the floor's 440 Hz elsewhere", async () => {
    const since = Date.now();
    for (const rendition of ['audio-floor', 'audio-en', 'audio-fr']) {
      const listed = parseMediaPlaylist(await waitFor(async () => text(`${rendition}/index.m3u8`), 30_000, rendition));
      assert.ok(
        listed.segments.every((s) => Number.isFinite(s.programDateTime)),
        `${rendition}: EXT-X-PROGRAM-DATE-TIME on every segment`,
      );
      const { file } = await newestSegment(rendition, since);
      assert.deepEqual((await probeSegment(file)).streams, ['audio'], `${rendition} is audio only`);
    }
    const en = await toneOf('audio-en', since);
    assert.equal(en.hz, EN_HZ, `the interpreter dominates en (${JSON.stringify(en)})`);
    assert.ok(en.marginDb > 6, `by more than 6 dB (${en.marginDb.toFixed(1)})`);
    const floor = await toneOf('audio-floor', since);
    assert.equal(floor.hz, FLOOR_HZ, `the floor rendition is the floor (${JSON.stringify(floor)})`);
    // Nobody in the fr booth: the floor, turned down to the stage's level, rather than dead air.
    const fr = await toneOf('audio-fr', since);
    assert.equal(fr.hz, FLOOR_HZ, `the empty booth carries the floor underneath (${JSON.stringify(fr)})`);
    const [frFloor, floorFloor] = [
      (await toneLevels((await newestSegment('audio-fr', since)).file, [FLOOR_HZ])).get(FLOOR_HZ) ?? 0,
      (await toneLevels((await newestSegment('audio-floor', since)).file, [FLOOR_HZ])).get(FLOOR_HZ) ?? 0,
    ];
    assert.ok(floorFloor - frFloor > 10, `at the floor level, 0.2 ≈ −14 dB (${(floorFloor - frFloor).toFixed(1)} dB under)`);
  });

  it('a handover to the booth partner changes the voice without a seam: same timeline, no discontinuity', async () => {
    const stage = await node.node.media.stage('demo/keynote');
    interpreters.push(await publishInterpreterTone(stage, { language: 'en', participantId: 'carl', frequency: PARTNER_HZ }));
    const before = parseMediaPlaylist((await text('audio-en/index.m3u8'))!);
    await stage.booths.handOver('en', 'ada');
    const since = Date.now();
    const partner = await waitFor(
      async () => {
        const tone = await toneOf('audio-en', since);
        return tone.hz === PARTNER_HZ ? tone : undefined;
      },
      20_000,
      'the partner heard in en',
    );
    // The first segment the partner leads may still hold the end of the first voice; the next one began after it.
    const settled = await toneOf('audio-en', partner.startedAt + 1);
    assert.equal(settled.hz, PARTNER_HZ, `the partner still heard in the next segment (${JSON.stringify(settled)})`);
    assert.ok(settled.marginDb > 6, `the partner alone is live (${settled.marginDb.toFixed(1)} dB over the rest)`);
    const after = parseMediaPlaylist((await text('audio-en/index.m3u8'))!);
    assert.ok(after.mediaSequence >= before.mediaSequence);
    assert.equal(after.discontinuitySequence, before.discontinuitySequence);
    assert.ok(
      after.segments.every((s) => !s.discontinuity),
      'no discontinuity',
    );
  });

  it('a language removed while streaming restarts the encoder behind a discontinuity; the media sequence keeps rising', async () => {
    const before = parseMediaPlaylist((await text('audio-en/index.m3u8'))!);
    const lastBefore = before.mediaSequence + before.segments.length - 1;
    ok(await host().patch(STAGE, { interpretationLanguages: ['en'] }));
    await waitFor(
      async () => ((await text('master.m3u8'))?.includes('audio-fr') === false ? true : undefined),
      10_000,
      'fr gone from the master',
    );
    const after = await waitFor(
      async () => {
        const listed = parseMediaPlaylist((await text('audio-en/index.m3u8'))!);
        const seam = listed.segments.findIndex((s) => s.discontinuity);
        return seam !== -1 && listed.segments.length - seam >= 2 ? listed : undefined;
      },
      30_000,
      'two segments of the restarted encoder listed in en after a discontinuity',
    );
    const seam = after.segments.findIndex((s) => s.discontinuity);
    assert.ok(after.mediaSequence + seam > lastBefore, 'the media sequence rises across the restart');
    assert.equal((await fetch(`${node.url}/hls/demo/keynote/audio-fr/index.m3u8`)).status, 404);
    const tone = await toneOf('audio-en', Date.now());
    assert.equal(tone.hz, PARTNER_HZ, 'the live interpreter is still heard after the restart');
  });

  it("a session's recording has one audio track per language, tagged, the floor's first", async () => {
    ok(await host().patch(STAGE, { interpretationLanguages: ['en', 'fr'] }));
    await waitFor(async () => ((await text('master.m3u8'))?.includes('audio-fr') ? true : undefined), 10_000, 'fr back in the master');
    const start = Date.UTC(2035, 5, 1, 9);
    const session = ok<{ id: string }>(
      await host().post('/api/events/demo/sessions', {
        stageId: 'keynote',
        title: 'Keynote in three languages',
        kind: 'keynote',
        speakerIds: [],
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + 30 * 60_000).toISOString(),
      }),
      201,
    );
    ok(await host().post(`/api/events/demo/sessions/${session.id}/start`));
    const startedAt = Date.now();
    // Some seconds of every rendition after the start, then the end.
    await newestSegment('audio-fr', startedAt + 3000);
    ok(await host().post(`/api/events/demo/sessions/${session.id}/end`));
    const ready = await waitFor(
      async () => {
        const listed = ok<RecordingRecord[]>(await new ApiClient(node.url).get('/api/events/demo/recordings'));
        return listed.find((r) => r.id === session.id && r.status === 'ready');
      },
      40_000,
      'the recording ready',
    );
    const file = path.join(node.node.config.recordingsDir, 'demo', `${ready.id}.mp4`);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type:stream_tags=language',
      '-of',
      'json',
      file,
    ]);
    const streams = (JSON.parse(stdout) as { streams: { codec_type: string; tags?: { language?: string } }[] }).streams;
    assert.deepEqual(
      streams.filter((s) => s.codec_type === 'audio').map((s) => s.tags?.language),
      ['zho', 'eng', 'fra'],
    );
    assert.equal(streams.filter((s) => s.codec_type === 'video').length, 1);
    const english = path.join(scratch, 'recording-en.wav');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-map', '0:a:1', '-t', '2', english]);
    assert.equal(dominant(await toneLevels(english, TONES)).hz, PARTNER_HZ, "the en track is the interpreter's");
  });
});
