import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { connectNodePipe, openNodePipe, receiveFromPipe, type PipedProducerParameters, type PipeEndpoint } from '../../media/nodePipes';
import type { StageMedia } from '../../media/StageMedia';
import type { SourceInfo } from '../../media/types';

/** The cluster requests an edge makes of the origin of its stage. */
export interface OriginClient {
  openPipe(originNodeId: string, stageKey: string, edge: PipeEndpoint): Promise<{ endpoint: PipeEndpoint; sources: SourceInfo[] }>;
  send(originNodeId: string, stageKey: string, producerId: string): Promise<PipedProducerParameters>;
  closePipe(originNodeId: string, stageKey: string): Promise<void>;
  /** Edge → origin: these are the sources participants publish on the edge now (empty: none). */
  publish(originNodeId: string, stageKey: string, sources: SourceInfo[]): Promise<void>;
}

/**
 * A link that brings another node's sources of one stage into this node's copy of it: one PipeTransport
 * between the two nodes and, in it, one piped producer per source producer, added to the local stage
 * under the remote ids and source names. An edge links to its origin this way (viewers here consume
 * the piped sources as if they were local), and an origin links back to an edge for what participants
 * publish there (an accepted raised hand). Producers the local stage already has by another way are not
 * piped again. Closing the link closes the piped producers, so their sources leave the local stage.
 */
export class EdgeLink {
  #transport: types.PipeTransport | null = null;
  /** Origin producer id → its piped producer here. */
  readonly #producers = new Map<string, types.Producer>();
  #syncing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #logger: Logger;

  constructor(
    readonly stage: StageMedia,
    /** The node whose sources this link brings here. */
    readonly originNodeId: string,
    private readonly origin: OriginClient,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'EdgeLink', stage: stage.key, origin: originNodeId });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this link brought the producer here (rather than a participant publishing on this node). */
  mirrors(producerId: string): boolean {
    return this.#producers.has(producerId);
  }

  /** Opens the pipe and brings the remote node's sources over (only `only` of them when given). */
  async open(only?: SourceInfo[]): Promise<void> {
    // Syncs asked for while the link opens (a source published on the edge meanwhile) wait for it and
    // run after its first sync: run at once they would find no pipe, do nothing, and the source would
    // never come over.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = this.#syncing;
    this.#syncing = before.then(() => held);
    try {
      await before;
      const { transport, local } = await openNodePipe(this.stage.origin, this.stage.options, {
        role: 'origin-pipe',
        origin: this.originNodeId,
      });
      this.#transport = transport;
      if (this.#closed) {
        transport.close();
        return;
      }
      const { endpoint, sources } = await this.origin.openPipe(this.originNodeId, this.stage.key, local);
      if (this.#closed) {
        // Closed while the other node was opening its end: the close it was sent may have come first.
        this.origin.closePipe(this.originNodeId, this.stage.key).catch(() => undefined);
        return;
      }
      await connectNodePipe(transport, endpoint);
      this.#logger.info({ port: local.port, remotePort: endpoint.port }, 'link opened');
      await this.#sync(only ?? sources);
    } finally {
      release();
    }
  }

  /** Makes the local stage's piped sources match the origin's (one sync at a time, in order). */
  sync(sources: SourceInfo[]): Promise<void> {
    const next = this.#syncing.then(() => this.#sync(sources));
    this.#syncing = next.catch((error: unknown) => this.#logger.warn({ err: error }, 'sync failed'));
    return next;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing the transport closes the piped producers, and with them their sources on the stage.
    this.#transport?.close();
    this.origin.closePipe(this.originNodeId, this.stage.key).catch(() => undefined);
    this.#logger.info('link closed');
  }

  async #sync(sources: SourceInfo[]): Promise<void> {
    const transport = this.#transport;
    if (this.#closed || !transport || transport.closed) return;
    const wanted = new Map<string, SourceInfo>();
    for (const source of sources) {
      for (const { producerId } of source.producers) {
        // Already here by another way (published on this node, or piped from elsewhere): never loop it back.
        if (this.stage.hasProducer(producerId) && !this.#producers.has(producerId)) continue;
        wanted.set(producerId, source);
      }
    }
    for (const [producerId, producer] of this.#producers) {
      if (!wanted.has(producerId)) producer.close();
    }
    const missing = [...wanted].filter(([producerId]) => !this.#producers.has(producerId));
    // The other node starts sending them all at once (one round trip through Redis, not one per producer).
    const sent = await Promise.all(
      missing.map(async ([producerId, source]) => ({
        source,
        parameters: await this.origin.send(this.originNodeId, this.stage.key, producerId),
      })),
    );
    for (const { source, parameters } of sent) {
      if (this.#closed || transport.closed) return;
      const { producerId } = parameters;
      const producer = await receiveFromPipe(transport, parameters);
      this.#producers.set(producerId, producer);
      producer.observer.once('close', () => {
        if (this.#producers.get(producerId) === producer) this.#producers.delete(producerId);
      });
      const channel = source.language === undefined ? {} : { language: source.language };
      this.stage.addProducer(producer, { id: source.id, kind: source.kind, label: source.label, ownerId: source.ownerId, ...channel });
    }
  }
}
