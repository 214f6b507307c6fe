import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { EncoderFeedHealth } from '../../media/health/types';
import type { GroupProcess } from '../../scripts/lib/processGroup';
import { collectPageLog, framesDecoded, launchChromium, newMediaContext, pageDiagnostics, watchState } from '../helpers/browser';
import { pushListenerFeed as push } from '../helpers/encoder';
import { waitFor } from '../helpers/net';
import { startStagecast, tokenFor } from '../helpers/stagecast';
import { Teardown } from '../helpers/teardown';

type Node = Awaited<ReturnType<typeof startStagecast>>;

describe('RTMP and SRT: ffmpeg pushes a stage feed with a stream key', function () {
  this.timeout(120_000);
  const teardown = new Teardown();
  let node: Node;
  let browser: Browser;
  let viewer: Page | undefined;
  const logs: string[][] = [];
  const encoders: GroupProcess[] = [];

  before(async function () {
    this.timeout(30_000);
    node = teardown.own('the node', await startStagecast(), (n) => n.stop());
    browser = teardown.own('chromium', await launchChromium(), (b) => b.close());
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (viewer) console.log(await pageDiagnostics(viewer));
    console.log(logs.flat().join('\n'));
    for (const encoder of encoders) console.log(`--- encoder ---\n${encoder.output()}`);
  });

  after(() => teardown.run());

  function encoder(url: string, video: 'baseline' | 'high-with-b-frames' = 'baseline'): GroupProcess {
    const started = push(url, video);
    encoders.push(started);
    teardown.add('an ffmpeg encoder', () => started.stop());
    return started;
  }

  /** The keynote's hall encoders in /metrics: connected and bitrate by protocol, and how many are transcoded. */
  async function encoderMetrics(): Promise<{ connected: Map<string, number>; bitrate: Map<string, number>; transcoded: number }> {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const byProtocol = (name: string): Map<string, number> =>
      new Map(
        [...text.matchAll(new RegExp(`^${name}\\{stage="demo/keynote",protocol="(\\w+)"\\} (\\S+)$`, 'gm'))].map((m) => [
          m[1] ?? '',
          Number(m[2]),
        ]),
      );
    const transcoded = /^stagecast_encoders_transcoded\{stage="demo\/keynote"\} (\S+)$/m.exec(text);
    return {
      connected: byProtocol('stagecast_encoders_connected'),
      bitrate: byProtocol('stagecast_encoder_bitrate_bps'),
      transcoded: Number(transcoded?.[1] ?? Number.NaN),
    };
  }

  function feedHealth(): EncoderFeedHealth | null | undefined {
    const stage = node.node.ops.health.latest()?.stages.find((s) => s.key === 'demo/keynote');
    return stage?.sources.find((s) => s.id === 'onsite')?.encoder;
  }

  /** The consumer ids on the stage's distribution routers: the viewer's consumers. */
  async function viewerConsumers(): Promise<string[]> {
    const stage = node.node.media.existingStage('demo/keynote');
    const ids: string[] = [];
    for (const { router } of stage?.distributionRouters ?? []) {
      const dump = (await router.dump()) as { mapProducerIdConsumerIds: Record<string, string[]> };
      ids.push(...Object.values(dump.mapProducerIdConsumerIds).flat());
    }
    return ids.sort();
  }

  async function createKey(label: string): Promise<{ id: string; key: string }> {
    const created = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: JSON.stringify({ label }),
    });
    assert.equal(created.status, 201);
    return (await created.json()) as { id: string; key: string };
  }

  /** The watch page, opened once and kept across the tests (it follows the stage's sources). */
  async function watchPage(): Promise<Page> {
    if (viewer) return viewer;
    const context = teardown.own('the watch context', await newMediaContext(browser, node.url), (c) => c.close());
    const page = await context.newPage();
    logs.push(collectPageLog(page, 'watch'));
    await page.goto(`${node.url}/watch/demo/keynote`);
    viewer = page;
    return page;
  }

  /**
   * The encoder's feed becomes the stage source onsite; the watch page decodes it and the health names
   * its input; the encoder killed and restarted within 10 s resumes the same source, and the viewer
   * keeps its consumers.
   */
  async function publishAndRestart(url: string, protocol: 'rtmp' | 'srt'): Promise<void> {
    const first = encoder(url);
    const stage = await waitFor(
      async () => {
        const found = node.node.media.existingStage('demo/keynote');
        return found?.sources.some((s) => s.id === 'onsite') ? found : undefined;
      },
      { what: 'the RTMP feed as the stage source onsite', timeoutMs: 20_000 },
    );
    const producers = stage.sources.find((s) => s.id === 'onsite')?.producers.map((p) => p.producerId);

    const page = await watchPage();
    await waitFor(async () => (await watchState(page))?.state === 'live', { what: 'the watch page live', timeoutMs: 20_000 });
    const decoded = await waitFor(async () => ((await framesDecoded(page)) > 10 ? framesDecoded(page) : undefined), {
      what: 'more than 10 frames decoded',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await framesDecoded(page)) > decoded, { what: 'frames still decoding', timeoutMs: 10_000 });

    const health = await waitFor(
      async () => {
        const reading = feedHealth();
        return reading && reading.width !== null && reading.bitrateBps > 0 ? reading : undefined;
      },
      { what: 'the input in the stage health', timeoutMs: 15_000 },
    );
    assert.deepEqual(
      [health.protocol, health.connected, health.videoCodec, health.width, health.height, health.audioCodec, health.transcoding],
      [protocol, true, 'h264', 640, 360, 'aac', false],
    );
    const metrics = await encoderMetrics();
    assert.deepEqual(
      [metrics.connected.get(protocol), metrics.transcoded, (metrics.bitrate.get(protocol) ?? 0) > 0],
      [1, 0, true],
      'the metrics count the connected encoder by protocol, with its bitrate, not transcoded',
    );

    const consumersBefore = await viewerConsumers();
    assert.ok(consumersBefore.length >= 2, 'the viewer consumes video and audio');
    await first.stop();
    await waitFor(async () => feedHealth()?.connected === false || undefined, {
      what: 'the feed waiting for its encoder',
      timeoutMs: 10_000,
    });
    const frozenAt = await framesDecoded(page);

    const second = encoder(url);
    await waitFor(async () => (await framesDecoded(page)) > frozenAt + 30, {
      what: 'frames decoded again after the restart',
      timeoutMs: 20_000,
    });
    assert.deepEqual(
      stage.sources.find((s) => s.id === 'onsite')?.producers.map((p) => p.producerId),
      producers,
      'the same source, with the same producers',
    );
    assert.deepEqual(await viewerConsumers(), consumersBefore, 'the viewer kept its consumers');
    await waitFor(async () => feedHealth()?.connected === true || undefined, { what: 'the feed connected again', timeoutMs: 10_000 });
    await second.stop();
  }

  it('RTMP (FLV): a watch page decodes the feed; the encoder restarted within 10 s resumes the same source and consumers', async () => {
    const { id, key } = await createKey('Desk encoder (RTMP)');
    await publishAndRestart(`rtmp://127.0.0.1:${node.node.ingest.rtmp.port}/live/${key}`, 'rtmp');
    // Revoking the key ends its feed at once, without waiting for the encoder to come back.
    const revoked = await fetch(`${node.url}/api/events/demo/stages/keynote/stream-keys/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokenFor('host')}` },
    });
    assert.equal(revoked.status, 200);
    assert.ok(!node.node.media.existingStage('demo/keynote')?.sources.some((s) => s.id === 'onsite'));
  });

  it('SRT (MPEG-TS, streamid): a watch page decodes the feed; the encoder restarted within 10 s resumes the same source and consumers', async () => {
    const { key } = await createKey('Desk encoder (SRT)');
    await publishAndRestart(`srt://127.0.0.1:${node.node.ingest.srt.port}?streamid=${key}&latency=120000`, 'srt');
  });

  it('transcodes H264 that may carry B-frames (High profile) to Constrained Baseline; the watch page decodes it', async () => {
    const { key } = await createKey('Desk encoder (High profile)');
    const page = await watchPage();
    // The feed's previous encoder (SRT) must have gone: until then a second one is refused.
    await waitFor(async () => feedHealth()?.connected !== true, { what: 'the previous encoder gone', timeoutMs: 15_000 });
    const before = await framesDecoded(page);
    encoder(`rtmp://127.0.0.1:${node.node.ingest.rtmp.port}/live/${key}`, 'high-with-b-frames');
    const health = await waitFor(
      async () => {
        const reading = feedHealth();
        if (reading?.connected && reading.transcoding && reading.bitrateBps > 0) return reading;
        throw new Error(`the feed's health reads ${JSON.stringify(reading)}`);
      },
      { what: 'the feed transcoding in the stage health', timeoutMs: 20_000 },
    );
    // libx264's High with its fastest preset is Main: either may carry B-frames.
    assert.match(health.videoProfile ?? '', /^(Main|High)$/);
    assert.equal((await encoderMetrics()).transcoded, 1, 'the metrics count the transcoded encoder');
    await waitFor(async () => (await framesDecoded(page)) > before + 30, {
      what: 'frames of the transcoded feed decoded',
      timeoutMs: 20_000,
    });
  });

  it('refuses an unknown stream key over RTMP and SRT: the connection ends and nothing opens', async () => {
    const origin = node.node.media.existingStage('demo/keynote')?.origin;
    const transports = async (): Promise<string[]> =>
      ((await origin?.dump()) as { transportIds: string[] } | undefined)?.transportIds ?? [];
    const before = await transports();
    const unknown = `demo.0000000000000000.${'0'.repeat(64)}`;
    for (const url of [
      `rtmp://127.0.0.1:${node.node.ingest.rtmp.port}/live/${unknown}`,
      `srt://127.0.0.1:${node.node.ingest.srt.port}?streamid=${unknown}`,
    ]) {
      const refused = encoder(url);
      const exit = await waitFor(
        async () => Promise.race([refused.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]),
        { what: `the refused encoder ending (${url.slice(0, 4)})`, timeoutMs: 20_000 },
      );
      assert.notEqual(exit.code, 0);
      assert.deepEqual(await transports(), before);
    }
  });
});
