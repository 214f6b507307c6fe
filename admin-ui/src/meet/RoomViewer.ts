import type { types } from 'mediasoup-client';
import { consumeManyOn } from '../lib/consume';
import type { JoinResult, ResumeResult, SourceInfo } from '../../../signaling/contract';
import type { StageConnection } from '../lib/StageConnection';

/** Another participant's source as the page shows it: one stream per source, its tracks added as they come. */
export interface RoomTile {
  sourceId: string;
  label: string;
  stream: MediaStream;
}

export interface RoomView {
  /** Everyone else in the room, in the order they came in. */
  tiles(tiles: RoomTile[]): void;
}

/** The receiver's counters that tell where media stopped: nothing came, or no key frame did. */
const RECEIVE_STATS = ['packetsReceived', 'packetsLost', 'framesDecoded', 'keyFramesDecoded', 'pliCount', 'nackCount'];

interface HeldConsumer {
  consumer: types.Consumer;
  sourceId: string;
}

/**
 * Receives everyone else in a meeting room. A room has no programme: every producer of every other
 * participant's source is consumed and flows, on one receive transport built at each join.
 */
export class RoomViewer {
  #recv: types.Transport | null = null;
  #participantId: string | null = null;
  #sources = new Map<string, SourceInfo>();
  /** By producer id. */
  #consumers = new Map<string, HeldConsumer>();
  /** By source id: kept while the source lives, so its video element is not reset when a track is added. */
  #streams = new Map<string, MediaStream>();

  constructor(
    private readonly connection: StageConnection,
    private readonly view: RoomView,
  ) {
    connection.on('sourceUpdated', (source) => {
      void connection.run(async () => {
        this.#sources.set(source.id, source);
        await this.#reconcile();
      });
    });
    connection.on('sourceClosed', ({ sourceId }) => {
      void connection.run(async () => {
        this.#sources.delete(sourceId);
        await this.#reconcile();
      });
    });
    connection.on('consumerClosed', ({ consumerId }) => {
      void connection.run(async () => {
        this.#drop((held) => held.consumer.id === consumerId);
        this.#show();
      });
    });
  }

  /** On a new peer (the previous one's transport is closed, and its consumers with it). */
  async joined(join: JoinResult): Promise<void> {
    this.#consumers.clear();
    this.#participantId = join.participantId;
    this.#sources = new Map(join.sources.map((s) => [s.id, s]));
    this.#recv = await this.connection.createTransport('recv');
    await this.#reconcile();
  }

  /** What each consumer's receiver has taken in (tests print it when a tile stays dark). */
  async receiveStats(): Promise<{ kind: string; stats: Record<string, unknown> }[]> {
    return Promise.all(
      [...this.#consumers.values()].map(async ({ consumer }) => {
        const inbound: Record<string, unknown> = {};
        for (const stat of (await consumer.getStats()).values() as Iterable<Record<string, unknown>>) {
          if (stat.type !== 'inbound-rtp') continue;
          for (const key of RECEIVE_STATS) if (key in stat) inbound[key] = stat[key];
        }
        return { kind: consumer.kind, stats: inbound };
      }),
    );
  }

  async resumed(result: ResumeResult): Promise<void> {
    const alive = new Set(result.consumerIds);
    this.#drop((held) => !alive.has(held.consumer.id));
    this.#sources = new Map(result.sources.map((s) => [s.id, s]));
    await this.#reconcile();
  }

  async #reconcile(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const source of this.#sources.values()) {
      if (source.ownerId === this.#participantId) continue;
      for (const { producerId } of source.producers) wanted.set(producerId, source.id);
    }
    this.#drop((held) => !wanted.has(held.consumer.producerId));
    await this.#consume(new Map([...wanted].filter(([producerId]) => !this.#consumers.has(producerId))));
    this.#show();
  }

  /** Consumes these producers (source id by producer id) in one request; everything in a room flows. */
  async #consume(missing: Map<string, string>): Promise<void> {
    const recv = this.#recv;
    if (!recv || recv.closed || missing.size === 0) return;
    // Flowing at once only before the transport connects: until then nothing reaches the page, so no
    // key frame arrives before its consumer is set up here. Later ones are resumed once set up.
    const flowing = recv.connectionState === 'new';
    for (const { consumer, paused } of await consumeManyOn(this.connection, recv, [...missing.keys()], flowing)) {
      const sourceId = missing.get(consumer.producerId);
      if (sourceId === undefined) continue;
      this.#consumers.set(consumer.producerId, { consumer, sourceId });
      if (paused) await this.connection.request('resumeConsumer', { consumerId: consumer.id });
    }
  }

  #drop(which: (held: HeldConsumer) => boolean): void {
    for (const [producerId, held] of this.#consumers) {
      if (!which(held)) continue;
      held.consumer.close();
      this.#consumers.delete(producerId);
    }
  }

  #show(): void {
    const tracksBySource = new Map<string, MediaStreamTrack[]>();
    for (const { consumer, sourceId } of this.#consumers.values()) {
      tracksBySource.set(sourceId, [...(tracksBySource.get(sourceId) ?? []), consumer.track]);
    }
    for (const sourceId of this.#streams.keys()) if (!tracksBySource.has(sourceId)) this.#streams.delete(sourceId);
    const tiles: RoomTile[] = [];
    for (const [sourceId, tracks] of tracksBySource) {
      const stream = this.#streams.get(sourceId) ?? new MediaStream();
      this.#streams.set(sourceId, stream);
      for (const track of stream.getTracks()) if (!tracks.includes(track)) stream.removeTrack(track);
      for (const track of tracks) if (!stream.getTracks().includes(track)) stream.addTrack(track);
      // No label: the page names the tile in its language.
      tiles.push({ sourceId, label: this.#sources.get(sourceId)?.label ?? '', stream });
    }
    this.view.tiles(tiles);
  }
}
