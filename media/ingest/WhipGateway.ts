import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaNode } from '../MediaNode';
import { MediaError, type MediaOptions } from '../types';
import type { EncoderSession, EncoderSlots } from './EncoderSlots';
import { writeWhipAnswer } from './whipAnswer';
import { readWhipOffer, type OfferedTrack } from './whipOffer';

export interface WhipGatewayOptions {
  /** How often a session's transport is asked whether media still arrives (for takeovers). */
  livenessPollMs: number;
}

export interface WhipPublish {
  stageKey: string;
  /** The stage feed the key publishes to (`onsite`, `onsite-<feed>`). */
  sourceId: string;
  label: string;
  /** The stream key's id: one live encoder per feed, and a revoked key ends its sessions. */
  holder: string;
  offer: string;
}

/** One WHIP publication: a WebRTC transport on the stage's origin router whose producers are the feed. */
class WhipSession implements EncoderSession {
  readonly protocol = 'whip';
  #closed = false;
  #lastHeardMs = Date.now();
  #bytes = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly id: string,
    readonly holder: string,
    readonly stageKey: string,
    readonly sourceId: string,
    readonly transport: types.WebRtcTransport,
    pollMs: number,
    private readonly ended: (session: WhipSession) => void,
  ) {
    // Liveness for takeovers: bytes reaching the transport, one worker request per poll.
    this.#timer = setInterval(() => void this.#poll(), pollMs);
    this.#timer.unref();
    transport.observer.once('close', () => this.#end());
    // An encoder whose DTLS failed can send nothing more: its session ends rather than waiting for a takeover.
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.close();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  silentForMs(nowMs: number): number {
    return Math.max(0, nowMs - this.#lastHeardMs);
  }

  /** Ends the publication: the transport closes, and with its producers the stage's source. */
  close(): void {
    this.transport.close();
    this.#end();
  }

  async #poll(): Promise<void> {
    try {
      const stats = await this.transport.getStats();
      const bytes = stats.reduce((sum, s) => sum + (s.bytesReceived ?? 0), 0);
      if (bytes > this.#bytes) this.#lastHeardMs = Date.now();
      this.#bytes = bytes;
    } catch {
      // A transport closing under the request: its close event ends the session.
    }
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.ended(this);
  }
}

/**
 * WHIP (RFC 9725) ingest: an encoder's SDP offer becomes a WebRTC transport on the stage's origin
 * router and one producer per track, registered as the stage feed its stream key names, so health
 * sampling, alerts and program switching treat it like every other hall feed. The offer is read and checked in
 * full before anything opens; whatever fails afterwards closes what it opened.
 */
export class WhipGateway {
  readonly #sessions = new Map<string, WhipSession>();
  readonly #pollMs: number;
  readonly #logger: Logger;

  constructor(
    private readonly media: MediaNode,
    private readonly options: MediaOptions,
    private readonly slots: EncoderSlots,
    gateway: WhipGatewayOptions,
    logger: Logger,
  ) {
    this.#pollMs = gateway.livenessPollMs;
    this.#logger = logger.child({ module: 'WhipGateway' });
  }

  /** Opens the publication; answers its resource id and the SDP answer. */
  async publish(request: WhipPublish): Promise<{ id: string; answer: string }> {
    const offer = readWhipOffer(request.offer);
    const feedKey = `${request.stageKey}#${request.sourceId}`;
    const reservation = this.slots.claim(feedKey);
    try {
      const stage = await this.media.stage(request.stageKey);
      const tracks = offer.sections.flatMap((s) => ('accepted' in s ? [s.accepted] : []));
      const transport = await stage.openFeed({ id: request.sourceId, label: request.label }, (router) =>
        this.#open(router, offer.dtlsParameters, tracks, request.sourceId),
      );
      const id = randomUUID();
      const session = new WhipSession(id, request.holder, request.stageKey, request.sourceId, transport, this.#pollMs, (ended) => {
        this.#sessions.delete(ended.id);
        this.slots.release(feedKey, ended);
        this.#logger.info({ stage: ended.stageKey, source: ended.sourceId, session: ended.id }, 'WHIP session ended');
      });
      this.#sessions.set(id, session);
      reservation.fill(session);
      this.#logger.info({ stage: request.stageKey, source: request.sourceId, session: id, tracks: tracks.length }, 'publish()');
      return { id, answer: writeWhipAnswer(offer, transport) };
    } catch (error) {
      reservation.cancel();
      throw error;
    }
  }

  /** The session `id` if it publishes to that stage with that key's id. */
  session(id: string): { stageKey: string; sourceId: string; holder: string } | undefined {
    const session = this.#sessions.get(id);
    return session && { stageKey: session.stageKey, sourceId: session.sourceId, holder: session.holder };
  }

  /** Ends a publication (WHIP DELETE); false when there is none of that id. */
  end(id: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    session.close();
    return true;
  }

  /** Ends every publication made with a key (revoked); answers how many there were. */
  endHolder(holder: string): number {
    const sessions = [...this.#sessions.values()].filter((s) => s.holder === holder);
    for (const session of sessions) session.close();
    return sessions.length;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  close(): void {
    for (const session of [...this.#sessions.values()]) session.close();
  }

  async #open(
    router: types.Router,
    dtlsParameters: types.DtlsParameters,
    tracks: OfferedTrack[],
    sourceId: string,
  ): Promise<{ transports: types.Transport[]; producers: types.Producer[]; result: types.WebRtcTransport }> {
    let transport: types.WebRtcTransport;
    try {
      transport = await router.createWebRtcTransport({
        listenIps: [{ ip: this.options.listenIp, announcedIp: this.options.announcedIp }],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        appData: { role: 'whip', source: sourceId },
      });
    } catch (error) {
      throw new MediaError('unavailable', `no WebRTC transport could be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      await transport.setMaxIncomingBitrate(this.options.maxIncomingBitrate);
      await transport.connect({ dtlsParameters });
      const producers: types.Producer[] = [];
      for (const track of tracks) {
        producers.push(await transport.produce({ kind: track.kind, rtpParameters: track.rtpParameters, appData: { source: sourceId } }));
      }
      return { transports: [transport], producers, result: transport };
    } catch (error) {
      transport.close();
      if (error instanceof MediaError) throw error;
      // The offer was checked; what mediasoup still refuses in it is the encoder's to fix.
      throw new MediaError(
        'bad_request',
        `the offer was refused: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`,
      );
    }
  }
}
