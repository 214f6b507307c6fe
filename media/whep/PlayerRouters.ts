import type { types } from 'mediasoup';
import type { MediaKind } from '../types';
import { H264_FEED_PARAMETERS, type ProgramFeed } from './ProgramFeed';

/**
 * What a player's answer must say of each kind: the payload type it offered for the codec the feed
 * sends. A WHEP player is the offerer, so it decodes what arrives under its own payload types; mediasoup
 * 3.8.4 sends a router's payload types, so players are seated on routers made with theirs.
 */
export interface PayloadTypes {
  audio: number | null;
  video: number | null;
}

/** A router of players that offered the same payload types, fed the program by pipes from the origin. */
export interface PlayerRouter {
  readonly router: types.Router;
  /** Players seated (or being seated) here. */
  players: number;
}

/** Picks the worker for a new router (the node balances them), avoiding the origin's when it can. */
export type PickWorker = (avoid: types.Worker) => types.Worker;

function codecsFor(feed: ProgramFeed, payloadTypes: PayloadTypes): types.RtpCodecCapability[] {
  const codecs: types.RtpCodecCapability[] = [];
  // Sound first: the router takes the next free payload type for video's retransmission format, which must not be the player's audio one.
  if (payloadTypes.audio !== null) {
    codecs.push({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: payloadTypes.audio });
  }
  if (payloadTypes.video !== null) {
    codecs.push({
      kind: 'video',
      mimeType: `video/${feed.codec}`,
      clockRate: 90000,
      preferredPayloadType: payloadTypes.video,
      ...(feed.codec === 'H264' ? { parameters: H264_FEED_PARAMETERS } : {}),
    });
  }
  return codecs;
}

/**
 * The routers a program feed's players receive on, per set of payload types (in practice one per kind
 * of player: every Chromium offers the same). A router takes `capacity` players, then another opens; an
 * empty router closes. Closes with the feed (its pipes go with the feed's producers).
 */
export class PlayerRouters {
  readonly #routers = new Map<string, Set<Promise<PlayerRouter>>>();

  constructor(
    private readonly feed: ProgramFeed,
    private readonly pickWorker: PickWorker,
    private readonly capacity: number,
  ) {
    feed.once('@close', () => this.close());
  }

  /** A router with room for a player of these payload types (counted as seated until `release`). */
  async seat(payloadTypes: PayloadTypes): Promise<PlayerRouter> {
    const key = `${payloadTypes.audio ?? '-'}/${payloadTypes.video ?? '-'}`;
    const routers = this.#routers.get(key) ?? new Set<Promise<PlayerRouter>>();
    this.#routers.set(key, routers);
    for (const pending of routers) {
      const entry = await pending.catch(() => null);
      if (entry && !entry.router.closed && entry.players < this.capacity) {
        entry.players += 1;
        return entry;
      }
    }
    const opening = this.#open(payloadTypes);
    routers.add(opening);
    opening.catch(() => routers.delete(opening));
    const entry = await opening;
    entry.players += 1;
    entry.router.observer.once('close', () => routers.delete(opening));
    return entry;
  }

  /** A player left (or was never seated): an empty router closes. */
  release(entry: PlayerRouter): void {
    entry.players -= 1;
    if (entry.players <= 0 && !entry.router.closed) entry.router.close();
  }

  close(): void {
    for (const routers of this.#routers.values()) {
      for (const pending of routers) pending.then((entry) => entry.router.close()).catch(() => undefined);
    }
    this.#routers.clear();
  }

  async #open(payloadTypes: PayloadTypes): Promise<PlayerRouter> {
    const { stage } = this.feed;
    const worker = this.pickWorker(stage.originWorker);
    const router = await worker.createRouter({
      mediaCodecs: codecsFor(this.feed, payloadTypes),
      appData: { stage: stage.key, role: 'players' },
    });
    try {
      const kinds = (['audio', 'video'] as const).filter((kind: MediaKind) => payloadTypes[kind] !== null);
      for (const kind of kinds) {
        await stage.origin.pipeToRouter({ producerId: this.feed.producers[kind].id, router, listenIp: '127.0.0.1' });
      }
    } catch (error) {
      router.close();
      throw error;
    }
    if (this.feed.closed) {
      router.close();
      throw new Error('the program feed closed');
    }
    return { router, players: 0 };
  }
}
