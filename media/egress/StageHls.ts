import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { StageMedia } from '../StageMedia';
import type { HlsHealth } from '../health/types';
import type { SourceInfo } from '../types';
import { type AudioRendition, audioRenditions, encoderWorkChanged, type StageLanguages } from './audioRenditions';
import { ChannelFeeds } from './ChannelFeeds';
import { HlsEncoder, type EncodedSegment, type LadderOptions } from './HlsEncoder';
import type { VideoCodecName } from './keyframes';
import { renderMaster } from './playlists';
import { type InboundStream, ProgramRelay } from './ProgramRelay';
import { type ListedSegment, RenditionWindows } from './renditionWindows';

export type { ListedSegment } from './renditionWindows';

export interface StageHlsOptions extends LadderOptions {
  /** Where this stage's segments are written (its own directory; emptied when the stream stops). */
  dir: string;
  /** Segments each playlist lists. */
  windowSegments: number;
}

/** Payload types the relay writes and the encoder's SDP declares (other dynamic values would do as well). */
const OUT_PAYLOAD_TYPES = { video: 96, audio: 111 };
const RESTART_DELAY_MS = 1000;

export interface StageHlsStatus {
  running: boolean;
  encoderPid: number | null;
  restarts: number;
  segments: number;
  lastSegmentAt: string | null;
  sourceId: string | null;
}

interface Feed {
  sourceId: string;
  consumers: types.Consumer[];
  video: InboundStream | undefined;
  audio: InboundStream | undefined;
}

function codecOf(consumer: types.Consumer): VideoCodecName | undefined {
  const mime = consumer.rtpParameters.codecs[0]?.mimeType.toLowerCase();
  return mime === 'video/vp8' ? 'VP8' : mime === 'video/h264' ? 'H264' : undefined;
}

/** The source the HLS stream shows: the program, or with none chosen the hall feed, else the first source with video. */
export function egressSource(sources: readonly SourceInfo[], program: string | null): SourceInfo | undefined {
  const withVideo = sources.filter((s) => s.producers.some((p) => p.kind === 'video'));
  if (program !== null) return withVideo.find((s) => s.id === program);
  return withVideo.find((s) => s.id === 'onsite') ?? withVideo[0];
}

/**
 * One stage's HLS stream: a PlainTransport on the origin router consumes whatever is on air, the
 * relay makes it one continuous stream, ffmpeg transcodes it into the ladder, and the playlists list
 * its segments in a sliding window. Follows every program switch without restarting the playlist; an
 * encoder that dies is restarted and the media sequence goes on (a discontinuity marks the seam).
 * A stage with interpretation channels also gets an audio rendition per language (ChannelFeeds);
 * changing the channels restarts the encoder behind a discontinuity, like a codec change.
 */
export class StageHls extends EventEmitter<{ '@close': []; segment: [ListedSegment] }> {
  readonly #windows: RenditionWindows;
  readonly #channels: ChannelFeeds;
  #languages: StageLanguages;
  readonly #logger: Logger;
  #encoder: HlsEncoder | null = null;
  #encoderCodec: VideoCodecName | null = null;
  #feed: Feed | null = null;
  #previous: Feed | null = null;
  /** Wall clock (ms) of the current encoder's timeline zero. */
  #anchorMs: number | null = null;
  #restarts = 0;
  #segments = 0;
  #lastSegmentAt: Date | null = null;
  /** When segments became due: the stream's start, or its source's after a time without one. */
  #expectedSinceMs = Date.now();
  /** By rendition name (ladder and audio). */
  readonly #bitrates = new Map<string, number>();
  #following: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #onProgram = (): void => this.#queueFollow();

  private constructor(
    readonly stage: StageMedia,
    private readonly transport: types.PlainTransport,
    private readonly relay: ProgramRelay,
    readonly options: StageHlsOptions,
    languages: StageLanguages,
    logger: Logger,
  ) {
    super();
    this.#logger = logger.child({ module: 'StageHls', stage: stage.key });
    this.#windows = new RenditionWindows(options.dir, options.windowSegments);
    this.#languages = languages;
    this.#channels = new ChannelFeeds(stage, transport, relay, egressCapabilities(stage), this.#logger);
    stage.on('programchanged', this.#onProgram);
    stage.on('sourceupdated', this.#onProgram);
    stage.on('sourceclosed', this.#onProgram);
    stage.once('@close', () => void this.close());
  }

  static async start(stage: StageMedia, options: StageHlsOptions, languages: StageLanguages, logger: Logger): Promise<StageHls> {
    fs.rmSync(options.dir, { recursive: true, force: true });
    fs.mkdirSync(options.dir, { recursive: true });
    const transport = await stage.origin.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    let relay: ProgramRelay;
    try {
      relay = await ProgramRelay.open({ video: 9, audio: 9 }, OUT_PAYLOAD_TYPES);
      await transport.connect({ ip: '127.0.0.1', port: relay.port });
    } catch (error) {
      transport.close();
      throw error;
    }
    const hls = new StageHls(stage, transport, relay, options, languages, logger);
    hls.#queueFollow();
    await hls.#following;
    return hls;
  }

  get closed(): boolean {
    return this.#closed;
  }

  status(): StageHlsStatus {
    return {
      running: this.#encoder !== null,
      encoderPid: this.#encoder?.pid ?? null,
      restarts: this.#restarts,
      segments: this.#segments,
      lastSegmentAt: this.#lastSegmentAt?.toISOString() ?? null,
      sourceId: this.#feed?.sourceId ?? null,
    };
  }

  /** What ops watch (health samples, metrics, the hls_stalled alert). */
  health(nowMs: number): HlsHealth {
    const lastMs = this.#lastSegmentAt?.getTime() ?? 0;
    return {
      encoderAlive: this.#encoder !== null,
      restarts: this.#restarts,
      segments: this.#segments,
      newestSegmentAgeMs: nowMs - Math.max(lastMs, this.#expectedSinceMs),
      segmentMs: this.options.segmentSeconds * 1000,
      expectingSegments: this.#feed !== null,
      renditions: [...this.options.renditions.map((r) => r.name), ...this.audioRenditions.map((a) => a.name)].map((name) => ({
        name,
        bitrateBps: this.#bitrates.get(name) ?? 0,
      })),
    };
  }

  /** The stage's audio renditions (none without interpretation channels), floor first. */
  get audioRenditions(): AudioRendition[] {
    return audioRenditions(this.#languages);
  }

  /** The master playlist; `query` (e.g. `?token=…`) is appended to each variant's URI. */
  masterPlaylist(query = ''): string {
    const { renditions, audioKbps, frameRate } = this.options;
    return renderMaster(renditions, audioKbps, frameRate, (i) => `${renditions[i].name}/index.m3u8${query}`, {
      renditions: this.audioRenditions,
      uri: (name) => `${name}/index.m3u8${query}`,
    });
  }

  /** A rendition's playlist by name (a ladder rung or an audio rendition); undefined when there is no such rendition or no segment yet. */
  variantPlaylist(name: string, query = ''): string | undefined {
    const window = this.#served(name) ? this.#windows.window(name) : undefined;
    if (!window || window.segments.length === 0) return undefined;
    return window.render(this.options.segmentSeconds, (sequence) => `${sequence}.ts${query}`);
  }

  /** The file of a segment still on disk, or undefined. */
  segmentFile(name: string, sequence: number): string | undefined {
    if (!this.#served(name)) return undefined;
    const file = path.join(this.options.dir, name, `${sequence}.ts`);
    return fs.existsSync(file) ? file : undefined;
  }

  /**
   * The stage's languages changed. Other channels (or another floor level) restart the encoder behind
   * a discontinuity, as a codec change does; the floor's language alone only changes the master playlist.
   */
  setLanguages(languages: StageLanguages): Promise<void> {
    this.#following = this.#following
      .then(async () => {
        if (this.#closed) return;
        const previous = this.#languages;
        this.#languages = languages;
        if (!encoderWorkChanged(previous, languages)) return;
        const kept = new Set(this.audioRenditions.map((a) => a.name));
        for (const gone of audioRenditions(previous)) if (!kept.has(gone.name)) this.#windows.drop(gone.name);
        this.#logger.info({ channels: languages.channels, floorLevel: languages.floorLevel }, 'setLanguages() | restarting the encoder');
        if (this.#encoderCodec !== null) {
          await this.#startEncoder(this.#encoderCodec);
          if (this.#feed) this.#requestKeyFrames(this.#feed);
        }
      })
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'following the stage languages failed'));
    return this.#following;
  }

  #served(name: string): boolean {
    return this.options.renditions.some((r) => r.name === name) || this.audioRenditions.some((a) => a.name === name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stage.off('programchanged', this.#onProgram);
    this.stage.off('sourceupdated', this.#onProgram);
    this.stage.off('sourceclosed', this.#onProgram);
    this.#channels.close();
    this.relay.close();
    if (!this.transport.closed) this.transport.close();
    const encoder = this.#encoder;
    this.#encoder = null;
    await encoder?.stop();
    fs.rmSync(this.options.dir, { recursive: true, force: true });
    this.emit('@close');
  }

  #queueFollow(): void {
    this.#following = this.#following
      .then(() => this.#follow())
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'following the program failed'));
  }

  /** Points the egress at the source on air now (a no-op when it already is). */
  async #follow(): Promise<void> {
    if (this.#closed) return;
    const source = egressSource(this.stage.sources, this.stage.program);
    const producers = source?.producers.map((p) => p.producerId).join(',');
    const current = this.#feed?.consumers.map((c) => c.producerId).join(',');
    if (source?.id === this.#feed?.sourceId && producers === current) return;
    if (!source) {
      // Nothing to show: the last picture's stream ends here; the idle timer of the egress decides.
      this.#retire(this.#feed);
      this.#feed = null;
      return;
    }
    if (this.#feed === null) this.#expectedSinceMs = Date.now();
    const feed = await this.#consume(source);
    if (this.#closed) {
      for (const consumer of feed.consumers) consumer.close();
      return;
    }
    const codec = feed.video?.codec ?? null;
    if (codec !== null && codec !== this.#encoderCodec) await this.#startEncoder(codec);
    this.#retire(this.#previous);
    this.#previous = this.#feed;
    this.#feed = feed;
    this.relay.follow({ video: feed.video, audio: feed.audio });
    this.#requestKeyFrames(feed);
    // The old source plays until the new one's key frame; then it is no longer needed.
    setTimeout(() => {
      if (this.#previous !== null && this.#feed === feed) {
        this.#retire(this.#previous);
        this.#previous = null;
      }
    }, 3000).unref();
  }

  async #consume(source: SourceInfo): Promise<Feed> {
    const capabilities = egressCapabilities(this.stage);
    const feed: Feed = { sourceId: source.id, consumers: [], video: undefined, audio: undefined };
    for (const producer of source.producers) {
      if (feed[producer.kind] !== undefined) continue;
      const consumer = await this.transport.consume({ producerId: producer.producerId, rtpCapabilities: capabilities });
      feed.consumers.push(consumer);
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
      const clockRate = consumer.rtpParameters.codecs[0]?.clockRate ?? 90_000;
      feed[producer.kind] = { ssrc, kind: producer.kind, clockRate, ...(producer.kind === 'video' ? { codec: codecOf(consumer) } : {}) };
      consumer.on('producerclose', () => this.relay.forget(ssrc));
    }
    return feed;
  }

  /** Asks for a key frame a few times (a request can be lost, and a new encoder must start on one). */
  #requestKeyFrames(feed: Feed): void {
    const video = feed.consumers.find((c) => c.kind === 'video');
    if (!video) return;
    let asks = 0;
    const ask = (): void => {
      if (this.#closed || video.closed || this.#feed !== feed || asks++ >= 3) return;
      video.requestKeyFrame().catch(() => undefined);
      setTimeout(ask, 500).unref();
    };
    ask();
  }

  #retire(feed: Feed | null): void {
    for (const consumer of feed?.consumers ?? []) {
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc !== undefined) this.relay.forget(ssrc);
      if (!consumer.closed) consumer.close();
    }
  }

  async #startEncoder(codec: VideoCodecName): Promise<void> {
    const previous = this.#encoder;
    this.#encoder = null;
    if (previous) {
      await previous.stop();
      // After the old encoder is gone: the last segment it flushes on its way out continues its own timeline.
      this.#markSeam();
    }
    const workDir = path.join(this.options.dir, `work-${Date.now()}`);
    const { channels, floorLevel } = this.#languages;
    const audio = this.audioRenditions;
    const encoder = await HlsEncoder.start(
      { videoCodec: codec, videoPayloadType: OUT_PAYLOAD_TYPES.video, audioPayloadType: OUT_PAYLOAD_TYPES.audio, channels, floorLevel },
      workDir,
      this.options,
    );
    this.#encoder = encoder;
    this.#encoderCodec = codec;
    this.#anchorMs = null;
    this.relay.setChannels(channels);
    this.relay.retarget({ ...encoder.ports, channels: new Map(channels.map((language, k) => [language, encoder.ports.channels[k]])) });
    await this.#channels.follow(channels);
    // The outputs as this encoder was started with: a segment it finishes after a restart keeps its own.
    encoder.on('segment', (segment) => this.#onSegment(segment, audio));
    encoder.once('exit', ({ code, signal, stderr }) => {
      fs.rmSync(workDir, { recursive: true, force: true });
      if (this.#closed || encoder.stopped) return;
      this.#logger.warn({ code, signal, stderr: stderr.slice(-500) }, 'HLS encoder exited; restarting');
      this.#restarts += 1;
      this.#encoder = null;
      this.#encoderCodec = null;
      this.#markSeam();
      setTimeout(() => {
        if (!this.#closed && this.#encoder === null) this.#restartEncoder(codec);
      }, RESTART_DELAY_MS).unref();
    });
    this.#logger.info({ codec, pid: encoder.pid }, 'HLS encoder started');
  }

  #markSeam(): void {
    this.#windows.markSeam();
  }

  #restartEncoder(codec: VideoCodecName): void {
    this.#startEncoder(codec)
      .then(() => {
        if (this.#feed) this.#requestKeyFrames(this.#feed);
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'HLS encoder restart failed'));
  }

  #onSegment(segment: EncodedSegment, audio: readonly AudioRendition[]): void {
    if (this.#closed) return;
    const ladder = this.options.renditions;
    const rendition = segment.output < ladder.length ? segment.output : null;
    const audioRendition = rendition === null ? audio[segment.output - ladder.length] : undefined;
    const name = rendition === null ? audioRendition?.name : ladder[rendition]?.name;
    if (name === undefined) return;
    const now = Date.now();
    // The encoder's timeline starts near its first frame: anchored to the wall clock at its first segment.
    this.#anchorMs ??= now - segment.endS * 1000;
    const durationS = segment.endS - segment.startS;
    const listed = this.#windows.add(this.stage.key, {
      name,
      rendition,
      audio: audioRendition ?? null,
      file: segment.file,
      durationS,
      programDateTime: new Date(this.#anchorMs + segment.startS * 1000),
    });
    if (!listed) {
      this.#logger.warn({ file: segment.file }, 'HLS segment missing');
      return;
    }
    try {
      this.#bitrates.set(name, Math.round((fs.statSync(listed.file).size * 8) / Math.max(0.001, durationS)));
    } catch {
      // Already gone again: the bitrate stays as it was.
    }
    this.emit('segment', listed);
    if (rendition === 0) {
      this.#segments += 1;
      this.#lastSegmentAt = new Date(now);
    }
  }
}

/** What the egress transport consumes: the origin's codecs, without feedback (the relay sends none). */
function egressCapabilities(stage: StageMedia): types.RtpCapabilities {
  return {
    codecs: (stage.origin.rtpCapabilities.codecs ?? []).map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}
