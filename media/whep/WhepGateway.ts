import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaNode } from '../MediaNode';
import { type AnsweredSection, writeAnswer } from '../sdp/answer';
import type { StageMedia } from '../StageMedia';
import { MediaError, type MediaOptions } from '../types';
import { type PayloadTypes, type PickWorker, type PlayerRouter, PlayerRouters } from './PlayerRouters';
import { ProgramFeed, programVideoCodec } from './ProgramFeed';
import { type PlayerCodec, type PlayerTrack, type PlayerVideoCodec, readWhepOffer, type WhepOffer } from './whepOffer';
import { WhepSession, type WhepSessionInfo } from './WhepSession';

export interface WhepGatewayOptions {
  /** A player that sends nothing (no ICE check, no RTCP) for this long is ended. */
  idleMs: number;
}

export interface WhepPlay {
  stageKey: string;
  /** The token id of a private event's viewer (revocations end its sessions); null when anonymous. */
  viewer: string | null;
  offer: string;
}

/** A stage's program feed of one codec with the routers of its players, open while it has players. */
interface FeedEntry {
  opening: Promise<{ feed: ProgramFeed; routers: PlayerRouters }>;
  /** Players seated or being seated: the feed closes when the last leaves. */
  holders: number;
  opened?: ProgramFeed;
}

/** A program feed as ops (and tests) see it. */
export interface ProgramFeedView {
  stageKey: string;
  codec: PlayerVideoCodec;
  /** The source it shows now; null: nothing on air. */
  sourceId: string | null;
  packetsRelayed: number;
  players: number;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** The capabilities a player's section declares for the codec it is sent: its own payload type and header extension ids. */
function capabilitiesOf(track: PlayerTrack, codec: PlayerCodec): types.RtpCapabilities {
  const kind = track.kind;
  const h264 = codec.name === 'H264' && codec.fmtp !== null ? new URLSearchParams(codec.fmtp.replaceAll(';', '&')) : null;
  return {
    codecs: [
      {
        kind,
        mimeType: codec.name === 'opus' ? 'audio/opus' : `video/${codec.name}`,
        preferredPayloadType: codec.payloadType,
        clockRate: kind === 'audio' ? 48000 : 90000,
        ...(kind === 'audio' ? { channels: 2 } : {}),
        ...(h264
          ? {
              parameters: {
                'packetization-mode': Number(h264.get('packetization-mode') ?? 0),
                'profile-level-id': h264.get('profile-level-id') ?? '42001f',
                'level-asymmetry-allowed': Number(h264.get('level-asymmetry-allowed') ?? 0),
              },
            }
          : {}),
        rtcpFeedback: codec.feedback,
      },
    ],
    headerExtensions: track.ext.map((e) => ({ kind, uri: e.uri, preferredId: e.id, direction: 'sendrecv' as const })),
  };
}

/** A codec's parameters as an fmtp line (`key=value;…`); empty without any. */
function fmtpOf(parameters: unknown): string {
  if (typeof parameters !== 'object' || parameters === null) return '';
  return Object.entries(parameters)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
}

/** The answer's section for a consumer: what it sends, under the player's payload types, with its SSRC. */
function answeredSection(track: PlayerTrack, consumer: types.Consumer): AnsweredSection {
  const { rtpParameters } = consumer;
  const ssrc = rtpParameters.encodings?.[0]?.ssrc ?? 0;
  const cname = rtpParameters.rtcp?.cname ?? 'program';
  return {
    kind: track.kind,
    mid: track.mid,
    direction: 'sendonly',
    rtp: rtpParameters.codecs.map((c) => ({
      payload: c.payloadType,
      codec: c.mimeType.split('/')[1] ?? '',
      rate: c.clockRate,
      ...(c.channels && c.channels > 1 ? { encoding: c.channels } : {}),
    })),
    fmtp: rtpParameters.codecs.flatMap((c) => {
      const config = fmtpOf(c.parameters);
      return config ? [{ payload: c.payloadType, config }] : [];
    }),
    rtcpFb: rtpParameters.codecs.flatMap((c) =>
      (c.rtcpFeedback ?? []).map((f) => ({ payload: c.payloadType, type: f.type, ...(f.parameter ? { subtype: f.parameter } : {}) })),
    ),
    ext: (rtpParameters.headerExtensions ?? []).map((e) => ({ value: e.id, uri: e.uri })),
    rtcpRsize: track.rtcpRsize,
    ssrcs: [{ id: ssrc, attribute: 'cname', value: cname }],
    msid: { id: 'program', appdata: track.kind },
  };
}

/** The video codec a player is sent: the program's when it decodes it, else the first it offered. */
function chooseVideoCodec(stage: StageMedia, video: PlayerTrack | undefined): PlayerVideoCodec {
  const program = programVideoCodec(stage);
  const offered = (video?.codecs ?? []).flatMap((c) => (c.name === 'opus' ? [] : [c.name]));
  if (program && (offered.length === 0 || offered.includes(program))) return program;
  return offered[0] ?? 'VP8';
}

/**
 * WHEP (the IETF draft): a player's SDP offer becomes a WebRTC transport that receives the stage's
 * program from a per-stage program feed (ProgramFeed), which keeps one SSRC through every switch, so a
 * player that cannot renegotiate follows the program. Players count as viewers of their stage and close
 * with it. The offer is checked in full before anything opens; whatever fails afterwards closes what it
 * opened.
 */
export class WhepGateway {
  readonly #sessions = new Map<string, WhepSession>();
  readonly #feeds = new Map<string, FeedEntry>();
  readonly #logger: Logger;
  #closed = false;

  constructor(
    private readonly media: MediaNode,
    private readonly options: MediaOptions,
    private readonly gateway: WhepGatewayOptions,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'WhepGateway' });
  }

  /** Opens a player's session; answers its resource id and the SDP answer. */
  async play(request: WhepPlay): Promise<{ id: string; answer: string }> {
    if (this.#closed) throw new MediaError('unavailable', 'WHEP is closed on this node');
    const offer = readWhepOffer(request.offer);
    const stage = await this.media.stage(request.stageKey);
    const tracks = offer.sections.flatMap((s) => ('accepted' in s ? [s.accepted] : []));
    const codec = chooseVideoCodec(
      stage,
      tracks.find((t) => t.kind === 'video'),
    );
    const chosen = tracks.map((track) => ({
      track,
      codec: track.codecs.find((c) => (track.kind === 'audio' ? c.name === 'opus' : c.name === codec)),
    }));
    const usable = chosen.flatMap(({ track, codec: c }) => (c ? [{ track, codec: c }] : []));
    const payloadTypes: PayloadTypes = {
      audio: usable.find((u) => u.track.kind === 'audio')?.codec.payloadType ?? null,
      video: usable.find((u) => u.track.kind === 'video')?.codec.payloadType ?? null,
    };
    const key = `${request.stageKey}#${codec}`;
    const { feed, routers } = await this.#holdFeed(key, stage, codec);
    let seat: PlayerRouter | undefined;
    let opened: { transport: types.WebRtcTransport; consumers: types.Consumer[] };
    try {
      seat = await routers.seat(payloadTypes);
      opened = await this.#open(seat.router, offer, usable, feed);
    } catch (error) {
      if (seat) routers.release(seat);
      this.#releaseFeed(key);
      throw error;
    }
    const { transport, consumers } = opened;
    const id = randomUUID();
    const session = new WhepSession(id, request.stageKey, request.viewer, transport, consumers, this.gateway.idleMs);
    const seated = seat;
    session.once('@close', () => {
      this.#sessions.delete(id);
      routers.release(seated);
      this.#releaseFeed(key);
      this.#logger.info({ stage: request.stageKey, session: id, sessions: this.#sessions.size }, 'WHEP session ended');
    });
    this.#sessions.set(id, session);
    if (stage.closed || this.#closed) {
      session.close();
      throw new MediaError('unavailable', 'the stage closed');
    }
    stage.addPlayer(session);
    this.#logger.info({ stage: request.stageKey, session: id, codec, kinds: usable.map((u) => u.track.kind) }, 'play()');
    return { id, answer: writeAnswer(offer.dtlsParameters.role ?? 'client', this.#answerSections(offer, consumers), transport) };
  }

  session(id: string): WhepSessionInfo | undefined {
    const session = this.#sessions.get(id);
    return session && { id: session.id, stageKey: session.stageKey, viewer: session.viewer };
  }

  /** Ends a session (WHEP DELETE); false when there is none of that id. */
  end(id: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    session.close();
    return true;
  }

  /** Ends the sessions that match (a deleted event's, a revoked token's); answers how many. */
  endWhere(match: (session: WhepSessionInfo) => boolean): number {
    const ending = [...this.#sessions.values()].filter((s) => match(s));
    for (const session of ending) session.close();
    return ending.length;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** The open program feeds: what each shows and to how many players. */
  feeds(): ProgramFeedView[] {
    return [...this.#feeds.values()].flatMap(({ opened, holders }) =>
      opened
        ? [
            {
              stageKey: opened.stage.key,
              codec: opened.codec,
              sourceId: opened.sourceId,
              packetsRelayed: opened.packetsRelayed,
              players: holders,
            },
          ]
        : [],
    );
  }

  /** Sessions playing a stage on this node. */
  sessionsOf(stageKey: string): number {
    let count = 0;
    for (const session of this.#sessions.values()) if (session.stageKey === stageKey) count += 1;
    return count;
  }

  close(): void {
    this.#closed = true;
    for (const session of [...this.#sessions.values()]) session.close();
  }

  async #holdFeed(key: string, stage: StageMedia, codec: PlayerVideoCodec): Promise<{ feed: ProgramFeed; routers: PlayerRouters }> {
    let entry = this.#feeds.get(key);
    if (!entry) {
      const pickWorker: PickWorker = (avoid) => this.media.pick(avoid);
      const capacity = Math.max(1, Math.floor(this.options.maxConsumersPerRouter / 2));
      const opening = ProgramFeed.open(stage, codec, this.#logger).then((feed) => {
        created.opened = feed;
        // A feed closed under its players (its stage closed) is forgotten; the next player opens another.
        feed.once('@close', () => {
          if (this.#feeds.get(key) === created) this.#feeds.delete(key);
        });
        return { feed, routers: new PlayerRouters(feed, pickWorker, capacity) };
      });
      const created: FeedEntry = { opening, holders: 0 };
      entry = created;
      this.#feeds.set(key, created);
      opening.catch(() => {
        if (this.#feeds.get(key) === created) this.#feeds.delete(key);
      });
    }
    entry.holders += 1;
    try {
      const opened = await entry.opening;
      if (opened.feed.closed) throw new MediaError('unavailable', 'the stage closed');
      return opened;
    } catch (error) {
      this.#releaseFeed(key);
      throw error instanceof MediaError ? error : new MediaError('unavailable', `the program feed could not open: ${errorText(error)}`);
    }
  }

  /** A player of the feed left: the last one closes it (a feed consumes the program, players or not). */
  #releaseFeed(key: string): void {
    const entry = this.#feeds.get(key);
    if (!entry) return;
    entry.holders -= 1;
    if (entry.holders > 0) return;
    this.#feeds.delete(key);
    entry.opening.then(({ feed }) => feed.close()).catch(() => undefined);
  }

  async #open(
    router: types.Router,
    offer: WhepOffer,
    usable: { track: PlayerTrack; codec: PlayerCodec }[],
    feed: ProgramFeed,
  ): Promise<{ transport: types.WebRtcTransport; consumers: types.Consumer[] }> {
    let transport: types.WebRtcTransport;
    try {
      transport = await router.createWebRtcTransport({
        listenIps: [{ ip: this.options.listenIp, announcedIp: this.options.announcedIp }],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.options.initialAvailableOutgoingBitrate,
        appData: { role: 'whep' },
      });
    } catch (error) {
      throw new MediaError('unavailable', `no WebRTC transport could be opened: ${errorText(error)}`);
    }
    try {
      await transport.connect({ dtlsParameters: offer.dtlsParameters });
      const consumers: types.Consumer[] = [];
      for (const { track, codec } of usable) {
        consumers.push(
          await transport.consume({
            producerId: feed.producers[track.kind].id,
            rtpCapabilities: capabilitiesOf(track, codec),
            mid: track.mid,
          }),
        );
      }
      return { transport, consumers };
    } catch (error) {
      transport.close();
      // The offer was checked; what mediasoup still refuses in it is the player's to fix.
      throw new MediaError('bad_request', `the offer was refused: ${errorText(error)}`);
    }
  }

  /** The answer's sections in the offer's order: a section whose codec the feed does not send is rejected. */
  #answerSections(offer: WhepOffer, consumers: types.Consumer[]): Parameters<typeof writeAnswer>[1] {
    return offer.sections.map((section) => {
      if ('rejected' in section) return section;
      const track = section.accepted;
      const consumer = consumers.find((c) => c.rtpParameters.mid === track.mid);
      if (!consumer) {
        return {
          rejected: {
            mid: track.mid,
            type: track.kind,
            protocol: 'UDP/TLS/RTP/SAVPF',
            payloads: String(track.codecs[0]?.payloadType ?? 0),
          },
        };
      }
      return { answered: answeredSection(track, consumer) };
    });
  }
}
