import type { types } from 'mediasoup-client';
import { consumeManyOn } from '../lib/consume';
import type { HlsFallbackDetails, HlsWatchResult, JoinResult, ProgramChange, ResumeResult, SourceInfo } from '../../../signaling/contract';
import type { StageRoute } from '../lib/route';
import type { RenewableToken } from '../lib/token';
import { RequestError } from '../lib/signaling';
import type { Placement } from '../lib/placement';
import { StageConnection, type WatchMode } from '../lib/StageConnection';
import { LanguageChannel } from '../lib/LanguageChannel';
import { chooseProgram } from './programChoice';

export type WatchState = 'connecting' | 'live' | 'reconnecting' | 'no-source' | 'failed';

/** Why the page watches over HLS without having asked to: the node's answer, or a media path that never connected. */
export type HlsReason = HlsFallbackDetails['reason'] | 'unreachable';

/** How long the media path may try to connect before the page falls back to HLS. */
const UNREACHABLE_AFTER_MS = 10_000;

/** What the page shows; the viewer calls it whenever something visible changes. */
export interface WatchView {
  state(state: WatchState, error?: Error): void;
  /**
   * The source on air and its tracks; null when nothing plays. The lower third names who is on air,
   * when the host set one. `selfOnAir`: the host put this participant's own camera on air (it is not
   * played back here: they would hear themselves).
   */
  program(source: SourceInfo | null, tracks: MediaStreamTrack[], lowerThird: ProgramChange['lowerThird'], selfOnAir: boolean): void;
  /**
   * The page plays the stage's HLS stream at `url` (standard latency), or, with null, WebRTC again.
   * `refusal`: the node had no WebRTC seat for this viewer, and why.
   */
  hls(url: string | null, refusal: HlsReason | null): void;
}

interface HeldConsumer {
  consumer: types.Consumer;
  sourceId: string;
  /**
   * Whether this viewer asked the server to forward it. Every source is consumed up front and the
   * off-air ones wait paused, so switching sources is a resume (the server asks for a key frame)
   * instead of a renegotiation.
   */
  flowing: boolean;
}

function isInboundVideo(stat: unknown): stat is { framesDecoded?: number } {
  return (
    typeof stat === 'object' && stat !== null && 'type' in stat && stat.type === 'inbound-rtp' && 'kind' in stat && stat.kind === 'video'
  );
}

/**
 * The watch page's model: consumes every producer of the stage's sources on one receive transport and
 * plays the program. Keeps the consumers in step with the server across source events, program
 * changes, reconnections (`resume`) and rejoins.
 *
 * The program is the host's choice when there is one: the server then forwards only that source to
 * viewers, so this page asks for everything and a switch costs no round trip of its own. Without a
 * host's choice the page picks (programChoice.ts) and asks only for the source it plays.
 */
export class StageViewer {
  readonly connection: StageConnection;
  /** The language channel this viewer listens to besides the floor (none until one is chosen). */
  readonly languages: LanguageChannel;
  #state: WatchState = 'connecting';
  #sources = new Map<string, SourceInfo>();
  /** By producer id. */
  #consumers = new Map<string, HeldConsumer>();
  #device: types.Device | null = null;
  #recv: types.Transport | null = null;
  #programId: string | null = null;
  #hostProgram: ProgramChange | null = null;
  #participantId: string | null = null;
  /** The media path never connected: the page moved to HLS on its own. */
  #unreachable = false;
  /** Run after every fresh join, inside the media queue (a raised hand publishes again). */
  #joinListeners: (() => Promise<void>)[] = [];

  constructor(
    private readonly route: StageRoute,
    token: RenewableToken,
    private readonly view: WatchView,
    where: { url?: string; placement?: Placement; mode?: WatchMode } = {},
  ) {
    this.connection = new StageConnection(
      route,
      token,
      {
        joined: (join, device) => this.#joined(join, device),
        resumed: (result) => this.#resumed(result),
        watchingHls: (result, refusal) => this.#watchingHls(result, refusal),
        disconnected: () => this.#setState('reconnecting'),
        failed: (error) => {
          this.#forgetConsumers();
          this.#show(null);
          this.#setState('failed', error);
        },
      },
      { ...where, receives: true },
    );
    this.languages = new LanguageChannel(this.connection);
    const { connection } = this;
    connection.on('sourceUpdated', (source) => {
      void this.connection.run(async () => {
        this.#sources.set(source.id, source);
        await this.#reconcile();
      });
    });
    connection.on('sourceClosed', ({ sourceId }) => {
      void this.connection.run(async () => {
        this.#sources.delete(sourceId);
        await this.#reconcile();
      });
    });
    connection.on('programChanged', (change) => {
      void this.connection.run(async () => {
        if (change.eventId !== this.route.eventId || change.stageId !== this.route.stageId) return;
        this.#hostProgram = change;
        await this.#reconcile();
      });
    });
    connection.on('consumerClosed', ({ consumerId }) => {
      // Not a reconcile: the producer is most likely gone, and the source event saying so follows.
      void this.connection.run(async () => {
        this.#dropConsumers((held) => held.consumer.id === consumerId);
        this.languages.dropConsumers((id) => id !== consumerId);
        this.#show(this.#program());
      });
    });
  }

  get state(): WatchState {
    return this.#state;
  }

  /** This participant's id on the server (from the join); null before the first join. */
  get participantId(): string | null {
    return this.#participantId;
  }

  /** The source this page plays now; null when nothing plays. */
  get programSourceId(): string | null {
    return this.#programId;
  }

  /** Work to redo whenever the server session is joined anew (its transports and producers are gone). */
  onJoined(listener: () => Promise<void>): void {
    this.#joinListeners.push(listener);
  }

  /** Decoded frames of the program's video, from its receiver's statistics; null without video. */
  async framesDecoded(): Promise<number | null> {
    const held = [...this.#consumers.values()].find((h) => h.sourceId === this.#programId && h.consumer.kind === 'video');
    if (!held || held.consumer.closed) return null;
    const report = await held.consumer.getStats();
    let frames: number | null = null;
    report.forEach((stat: unknown) => {
      if (isInboundVideo(stat)) frames = stat.framesDecoded ?? 0;
    });
    return frames;
  }

  async #joined(join: JoinResult, device: types.Device): Promise<void> {
    // The previous session's transport is closed, and its consumers with it.
    this.#forgetConsumers();
    this.view.hls(null, null);
    this.#device = device;
    this.#sources = new Map(join.sources.map((s) => [s.id, s]));
    this.#hostProgram = join.program ?? null;
    this.#participantId = join.participantId;
    this.#recv = await this.connection.createTransport('recv');
    this.#fallBackIfUnreachable(this.#recv);
    this.languages.attach(this.#recv, device);
    await this.#reconcile();
    for (const listener of this.#joinListeners) await listener();
  }

  /**
   * A network that lets the page talk to the node but not reach its media ports (UDP and TCP blocked,
   * a strict proxy) never connects: after UNREACHABLE_AFTER_MS of trying, the page watches over HLS,
   * which is plain HTTPS to the same node.
   */
  #fallBackIfUnreachable(recv: types.Transport): void {
    let timer: number | null = null;
    recv.on('connectionstatechange', (state) => {
      if (state === 'connected' || state === 'closed') {
        if (timer !== null) window.clearTimeout(timer);
        timer = null;
        return;
      }
      if (timer !== null || state === 'new') return;
      timer = window.setTimeout(() => {
        timer = null;
        if (recv.closed || recv.connectionState === 'connected' || this.connection.mode === 'hls') return;
        this.#unreachable = true;
        void this.connection.setMode('hls');
      }, UNREACHABLE_AFTER_MS);
    });
  }

  async #watchingHls(result: HlsWatchResult, refusal: HlsFallbackDetails['reason'] | null): Promise<void> {
    this.#forgetConsumers();
    this.#device = null;
    this.#sources = new Map(result.sources.map((s) => [s.id, s]));
    this.#hostProgram = result.program;
    this.#participantId = result.participantId;
    this.view.hls(result.url, refusal ?? (this.#unreachable ? 'unreachable' : null));
    this.#unreachable = false;
    this.#show(null);
  }

  async #resumed(result: ResumeResult): Promise<void> {
    const alive = new Set(result.consumerIds);
    this.#dropConsumers((held) => !alive.has(held.consumer.id));
    this.languages.dropConsumers((id) => alive.has(id));
    this.#sources = new Map(result.sources.map((s) => [s.id, s]));
    this.#hostProgram = result.program ?? null;
    await this.#reconcile();
  }

  /** Brings the consumers in line with the sources, then puts the chosen source on screen. */
  async #reconcile(): Promise<void> {
    if (this.connection.mode === 'hls') {
      this.#show(null);
      return;
    }
    const wanted = new Map<string, string>();
    for (const source of this.#sources.values()) {
      // This participant's own camera (an accepted raised hand): never played back to them. Language
      // channels are not programs: the LanguageChannel consumes the one this viewer chooses.
      if (this.#isOwn(source) || source.kind === 'interpretation') continue;
      for (const { producerId } of source.producers) wanted.set(producerId, source.id);
    }
    this.#dropConsumers((held) => !wanted.has(held.consumer.producerId));
    await this.#consume(new Map([...wanted].filter(([producerId]) => !this.#consumers.has(producerId))));
    const program = this.#program();
    await this.#setFlowing(program);
    this.#show(this.#program());
    await this.languages.sync([...this.#sources.values()].filter((s) => !this.#isOwn(s)));
  }

  /** The host's choice if there is one (nothing, until that source is live), else the best source this viewer holds. */
  #program(): SourceInfo | null {
    const held = new Set([...this.#consumers.values()].map((h) => h.sourceId));
    const hostChoice = this.#hostProgram?.sourceId;
    if (hostChoice) return held.has(hostChoice) ? (this.#sources.get(hostChoice) ?? null) : null;
    return chooseProgram(
      [...this.#sources.values()].filter((s) => held.has(s.id)),
      this.#programId,
    );
  }

  /** Consumes these producers (source id by producer id) in one request. */
  async #consume(missing: Map<string, string>): Promise<void> {
    const recv = this.#recv;
    if (!recv || !this.#device || missing.size === 0) return;
    // Under a host's program everything flows (the server holds back what is off air). Asked flowing
    // at once only before the transport connects: until then nothing reaches the page, so no key frame
    // arrives before its consumer is set up here.
    const flowing = Boolean(this.#hostProgram?.sourceId) && recv.connectionState === 'new';
    for (const { consumer, paused } of await consumeManyOn(this.connection, recv, [...missing.keys()], flowing)) {
      const sourceId = missing.get(consumer.producerId);
      if (sourceId !== undefined) this.#consumers.set(consumer.producerId, { consumer, sourceId, flowing: !paused });
    }
  }

  /**
   * Resumes what should flow first (the picture comes back sooner), then pauses the rest. Under a
   * host's program everything is asked for: the server holds back what is off air.
   */
  async #setFlowing(program: SourceInfo | null): Promise<void> {
    const held = [...this.#consumers.values()];
    const wanted = (h: HeldConsumer): boolean => Boolean(this.#hostProgram?.sourceId) || h.sourceId === program?.id;
    const onAir = held.filter((h) => wanted(h) && !h.flowing);
    const offAir = held.filter((h) => !wanted(h) && h.flowing);
    for (const entry of onAir) await this.#setConsumerFlowing(entry, true);
    for (const entry of offAir) await this.#setConsumerFlowing(entry, false);
  }

  async #setConsumerFlowing(entry: HeldConsumer, flowing: boolean): Promise<void> {
    try {
      await this.connection.request(flowing ? 'resumeConsumer' : 'pauseConsumer', { consumerId: entry.consumer.id });
      entry.flowing = flowing;
    } catch (error) {
      if (!(error instanceof RequestError && error.code === 'not_found')) throw error;
      this.#dropConsumers((h) => h === entry);
    }
  }

  #isOwn(source: SourceInfo): boolean {
    return this.#participantId !== null && source.ownerId === this.#participantId;
  }

  #show(program: SourceInfo | null): void {
    if (this.connection.mode === 'hls') {
      // The stream shows whatever is on air; the page names it and its speaker from the program changes.
      const onAir = this.#hostProgram?.sourceId ? (this.#sources.get(this.#hostProgram.sourceId) ?? null) : null;
      this.#programId = onAir?.id ?? null;
      this.view.program(onAir, [], this.#hostProgram?.lowerThird ?? null, onAir !== null && this.#isOwn(onAir));
      if (this.#state !== 'failed' && this.connection.socket.connected) this.#setState('live');
      return;
    }
    const tracks = program ? [...this.#consumers.values()].filter((h) => h.sourceId === program.id).map((h) => h.consumer.track) : [];
    this.#programId = tracks.length > 0 && program ? program.id : null;
    const onAir = this.#hostProgram?.sourceId ? this.#sources.get(this.#hostProgram.sourceId) : undefined;
    const selfOnAir = onAir !== undefined && this.#isOwn(onAir);
    this.view.program(
      this.#programId ? program : null,
      tracks,
      this.#programId ? (this.#hostProgram?.lowerThird ?? null) : null,
      selfOnAir,
    );
    if (this.#state !== 'failed' && this.connection.socket.connected) this.#setState(this.#programId ? 'live' : 'no-source');
  }

  #dropConsumers(matches: (held: HeldConsumer) => boolean): void {
    for (const [producerId, held] of [...this.#consumers]) {
      if (!matches(held)) continue;
      held.consumer.close();
      this.#consumers.delete(producerId);
    }
  }

  #forgetConsumers(): void {
    this.#dropConsumers(() => true);
    this.languages.detach();
    this.#recv = null;
  }

  #setState(state: WatchState, error?: Error): void {
    if (this.#state === 'failed') return;
    this.#state = state;
    this.view.state(state, error);
  }
}
