import assert from 'node:assert/strict';
import type { EncoderFeedHealth } from '../../../media/health/types';
import type { Exit, GroupProcess } from '../../../scripts/lib/processGroup';
import { pushListenerFeed } from '../../helpers/encoder';
import { waitFor } from '../../helpers/net';
import { startStagecast, tokenFor } from '../../helpers/stagecast';
import { Teardown } from '../../helpers/teardown';

type Node = Awaited<ReturnType<typeof startStagecast>>;

/** Letters and digits, 10–79 of them: SRT's bounds. */
const PASSPHRASE = 'HallDeskPassphrase2026';

/** An RTMP/SRT node with a key of the keynote's main feed, and encoders that are stopped with it. */
class ListenerHarness {
  readonly teardown = new Teardown();
  node!: Node;
  readonly #encoders: GroupProcess[] = [];

  async start(env: Record<string, string> = {}): Promise<void> {
    this.node = this.teardown.own('the node', await startStagecast(env), (n) => n.stop());
  }

  async createKey(label: string): Promise<string> {
    const res = await fetch(`${this.node.url}/api/events/demo/stages/keynote/stream-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('host')}` },
      body: JSON.stringify({ label }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { key: string }).key;
  }

  rtmp(key: string): string {
    return `rtmp://127.0.0.1:${this.node.node.ingest.rtmp.port}/live/${key}`;
  }

  srt(key: string, passphrase?: string): string {
    return `srt://127.0.0.1:${this.node.node.ingest.srt.port}?streamid=${key}${passphrase ? `&passphrase=${passphrase}` : ''}`;
  }

  push(url: string): GroupProcess {
    const encoder = pushListenerFeed(url);
    this.#encoders.push(encoder);
    this.teardown.add('an ffmpeg encoder', () => encoder.stop());
    return encoder;
  }

  feedHealth(): EncoderFeedHealth | null | undefined {
    const stage = this.node.node.ops.health.latest()?.stages.find((s) => s.key === 'demo/keynote');
    return stage?.sources.find((s) => s.id === 'onsite')?.encoder;
  }

  /** The producers of the keynote's main feed (empty: no such source). */
  feedProducers(): string[] {
    const source = this.node.node.media.existingStage('demo/keynote')?.sources.find((s) => s.id === 'onsite');
    return source?.producers.map((p) => p.producerId) ?? [];
  }

  async liveFeed(): Promise<string[]> {
    return waitFor(
      async () => {
        const producers = this.feedProducers();
        return producers.length === 2 && this.feedHealth()?.connected === true ? producers : undefined;
      },
      { what: 'the encoder live as the main feed', timeoutMs: 20_000 },
    );
  }

  /** Resolves with the encoder's exit once its connection was ended (the refusal of a listener). */
  async refused(encoder: GroupProcess, what: string): Promise<Exit> {
    return waitFor(
      async () => Promise.race([encoder.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]),
      {
        what,
        timeoutMs: 20_000,
      },
    );
  }

  output(): string {
    return this.#encoders.map((e) => e.output()).join('\n---\n');
  }
}

describe('RTMP and SRT listeners: one encoder per live feed', function () {
  this.timeout(90_000);
  const harness = new ListenerHarness();

  before(async () => {
    await harness.start();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(harness.output());
  });
  after(() => harness.teardown.run());

  it('refuses a second encoder with a key of a live feed over RTMP and over SRT; the first keeps the feed', async () => {
    const key = await harness.createKey('Desk encoder');
    const first = harness.push(harness.rtmp(key));
    const producers = await harness.liveFeed();
    for (const url of [harness.rtmp(key), harness.srt(key)]) {
      const exit = await harness.refused(harness.push(url), `the second encoder refused (${url.slice(0, 4)})`);
      assert.notEqual(exit.code, 0, `${url.slice(0, 4)}: the second encoder's connection was ended`);
      assert.deepEqual(harness.feedProducers(), producers, 'the first encoder still feeds the same source');
      assert.equal(harness.feedHealth()?.connected, true);
    }
    await first.stop();
  });
});

describe('SRT listener with SRT_PASSPHRASE', function () {
  this.timeout(90_000);
  const harness = new ListenerHarness();

  before(async () => {
    await harness.start({ SRT_PASSPHRASE: PASSPHRASE });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(harness.output());
  });
  after(() => harness.teardown.run());

  it('refuses a caller without the passphrase or with another one, and takes one with it', async () => {
    const key = await harness.createKey('Encrypted desk encoder');
    for (const [what, passphrase] of [
      ['without a passphrase', undefined],
      ['with another passphrase', 'NotTheHallPassphrase1'],
    ] as const) {
      const exit = await harness.refused(harness.push(harness.srt(key, passphrase)), `the caller ${what} refused`);
      assert.notEqual(exit.code, 0, what);
      // Not asserted: that nothing opened. Today the gateway opens the feed once it has read the stream id,
      // before the passphrase is checked, and a refused caller's feed then waits out the reconnect window.
    }
    const encoder = harness.push(harness.srt(key, PASSPHRASE));
    await harness.liveFeed();
    await encoder.stop();
  });
});
