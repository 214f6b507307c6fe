import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaNode } from '../../media/MediaNode';
import { connectNodePipe, openNodePipe, sendDownPipe, type PipedProducerParameters, type PipeEndpoint } from '../../media/nodePipes';
import type { SourceInfo } from '../../media/types';
import { AppError } from '../errors';

/** A pipe this origin keeps open towards one edge node for one stage. */
interface EdgePipe {
  stageKey: string;
  edgeNodeId: string;
  transport: types.PipeTransport;
  /** Origin producer id → the consumer sending it down the pipe. */
  consumers: Map<string, types.Consumer>;
}

export interface EdgePipeView {
  edgeNodeId: string;
  producers: string[];
}

/**
 * The sending side of the pipes to other nodes: one PipeTransport per (stage, node) and, in it, one
 * consumer per source producer that node asked for. An origin serves its edges this way, and an edge
 * serves its origin what participants publish on it. The receiving node opens and closes them through
 * cluster requests; a dead node's pipes are closed when the registry drops it.
 */
export class OriginPipes {
  readonly #pipes = new Map<string, EdgePipe>();
  readonly #logger: Logger;

  constructor(
    private readonly media: MediaNode,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'OriginPipes' });
  }

  /** Opens (or re-opens) the pipe of a stage towards an edge, connected to the edge's end. */
  async open(stageKey: string, edgeNodeId: string, edge: PipeEndpoint): Promise<{ endpoint: PipeEndpoint; sources: SourceInfo[] }> {
    const stage = this.media.existingStage(stageKey);
    if (!stage) throw new AppError('not_found', `stage ${stageKey} is not open on this node`);
    this.close(stageKey, edgeNodeId);
    const { transport, local } = await openNodePipe(stage.origin, stage.options, { role: 'edge-pipe', edge: edgeNodeId });
    try {
      await connectNodePipe(transport, edge);
    } catch (error) {
      transport.close();
      throw error;
    }
    const pipe: EdgePipe = { stageKey, edgeNodeId, transport, consumers: new Map() };
    const key = this.#key(stageKey, edgeNodeId);
    this.#pipes.set(key, pipe);
    transport.observer.once('close', () => {
      if (this.#pipes.get(key) === pipe) this.#pipes.delete(key);
    });
    this.#logger.info({ stage: stageKey, edge: edgeNodeId, port: local.port }, 'pipe opened');
    return { endpoint: local, sources: stage.sources };
  }

  /** Starts sending one source producer to an edge (idempotent per producer). */
  async send(stageKey: string, edgeNodeId: string, producerId: string): Promise<PipedProducerParameters> {
    const pipe = this.#pipes.get(this.#key(stageKey, edgeNodeId));
    if (!pipe) throw new AppError('not_found', `no pipe of stage ${stageKey} to node ${edgeNodeId}; open it first`);
    if (!this.media.existingStage(stageKey)?.hasProducer(producerId))
      throw new AppError('not_found', `no source producer ${producerId} on stage ${stageKey}`);
    pipe.consumers.get(producerId)?.close();
    const { consumer, parameters } = await sendDownPipe(pipe.transport, producerId);
    pipe.consumers.set(producerId, consumer);
    consumer.observer.once('close', () => {
      if (pipe.consumers.get(producerId) === consumer) pipe.consumers.delete(producerId);
    });
    return parameters;
  }

  close(stageKey: string, edgeNodeId: string): void {
    const pipe = this.#pipes.get(this.#key(stageKey, edgeNodeId));
    if (!pipe) return;
    this.#pipes.delete(this.#key(stageKey, edgeNodeId));
    pipe.transport.close();
    this.#logger.info({ stage: stageKey, edge: edgeNodeId }, 'pipe closed');
  }

  /** An edge left the cluster: nothing will consume what its pipes carry. */
  closeEdge(edgeNodeId: string): void {
    for (const pipe of [...this.#pipes.values()]) if (pipe.edgeNodeId === edgeNodeId) this.close(pipe.stageKey, edgeNodeId);
  }

  /** The pipes of one stage, for ops. */
  describe(stageKey: string): EdgePipeView[] {
    return [...this.#pipes.values()]
      .filter((p) => p.stageKey === stageKey)
      .map((p) => ({ edgeNodeId: p.edgeNodeId, producers: [...p.consumers.keys()] }));
  }

  #key(stageKey: string, edgeNodeId: string): string {
    return `${stageKey}|${edgeNodeId}`;
  }
}
