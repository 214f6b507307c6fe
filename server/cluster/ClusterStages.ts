import type { Logger } from 'pino';
import type { MediaNode } from '../../media/MediaNode';
import type { StageMedia } from '../../media/StageMedia';
import type { SourceInfo } from '../../media/types';
import type { ClusterMessenger } from './ClusterMessenger';
import { EdgeLink, type OriginClient } from './EdgeLink';
import type { NodeRegistry } from './NodeRegistry';
import type { StageOrigins } from './StageOrigins';
import { AppError } from '../errors';

/** What nodes tell each other about one stage, on its channel. */
type StageMessage =
  | { type: 'origin'; nodeId: string | null }
  | { type: 'sources'; nodeId: string; sources: SourceInfo[] }
  | { type: 'program'; nodeId: string; sourceId: string | null };

function isStageMessage(value: unknown): value is StageMessage {
  if (typeof value !== 'object' || value === null || !('type' in value) || !('nodeId' in value)) return false;
  if (value.type === 'sources') return 'sources' in value && Array.isArray(value.sources);
  return value.type === 'origin' || (value.type === 'program' && 'sourceId' in value);
}

export function stageChannel(stageKey: string): string {
  return `stage:${stageKey}`;
}

/** An edge stage nobody joined within this long is closed (a join that failed half-way leaves one). */
const IDLE_EDGE_MS = 10_000;

/** A stage open on this node that another node originates. */
interface EdgeStage {
  stage: StageMedia;
  openedAt: number;
  link: EdgeLink | null;
  linking: Promise<void> | null;
  /** What participants publish on this edge, as last told to the origin (JSON), to tell only changes. */
  publishedSent: string;
}

/**
 * The role of each stage open on this node: origin (its sources live here; edges pipe them) or edge
 * (its sources are piped from the origin node). Edges follow their stage's channel: a new origin,
 * a change of sources, a program switch. An edge closes its stage (and so its pipe) when its last
 * participant leaves; it re-links when its origin dies and another takes over.
 */
export class ClusterStages {
  /** Stages this node is the origin of (claimed in Redis), open or about to open. */
  readonly #origins = new Set<string>();
  readonly #edges = new Map<string, EdgeStage>();
  /** On an origin: links that pull what participants publish on an edge, by `stageKey|edgeNodeId`. */
  readonly #published = new Map<string, EdgeLink>();
  readonly #unsubscribe = new Map<string, () => void>();
  readonly #logger: Logger;

  constructor(
    private readonly media: MediaNode,
    private readonly registry: NodeRegistry,
    private readonly origins: StageOrigins,
    private readonly messenger: ClusterMessenger,
    private readonly originClient: OriginClient,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'ClusterStages' });
    media.onStageOpening((stage) => this.#prepare(stage));
    registry.on('nodedown', (nodeId) => this.#nodeLost(nodeId));
    registry.on('tick', () => void this.#tick());
  }

  get nodeId(): string {
    return this.registry.nodeId;
  }

  isOrigin(stageKey: string): boolean {
    return this.#origins.has(stageKey);
  }

  get originCount(): number {
    return this.#origins.size;
  }

  /**
   * Makes this node the stage's origin unless a live node already is, and returns the origin. A
   * stage this node served as an edge drops its piped sources: its own will replace them.
   */
  async claim(stageKey: string): Promise<string> {
    if (this.#origins.has(stageKey)) return this.nodeId;
    const holder = await this.origins.claim(stageKey);
    if (holder !== this.nodeId) return holder;
    this.#origins.add(stageKey);
    const edge = this.#edges.get(stageKey);
    if (edge) {
      edge.link?.close();
      this.#edges.delete(stageKey);
    }
    this.#logger.info({ stage: stageKey }, 'origin claimed');
    await this.messenger.publish(stageChannel(stageKey), { type: 'origin', nodeId: this.nodeId } satisfies StageMessage);
    return holder;
  }

  /** Puts a source on air on every node that holds the stage, this one included. */
  async setProgram(stageKey: string, sourceId: string | null): Promise<void> {
    await this.messenger.publish(stageChannel(stageKey), { type: 'program', nodeId: this.nodeId, sourceId } satisfies StageMessage);
    await this.media.existingStage(stageKey)?.setProgram(sourceId);
  }

  /** The live sources of a stage, wherever its origin is. */
  async sourceIds(stageKey: string): Promise<string[]> {
    const local = this.#origins.has(stageKey) ? this.media.existingStage(stageKey)?.sources : undefined;
    // Language channels are never on air: only the sources a host may put on air are named.
    return (local ?? (await this.origins.sources(stageKey))).filter((s) => s.kind !== 'interpretation').map((source) => source.id);
  }

  /** The live origin node of a stage, or null. */
  originOf(stageKey: string): Promise<string | null> {
    return this.origins.originOf(stageKey);
  }

  /** The origin this edge stage pipes from, for ops. */
  linkOf(stageKey: string): string | null {
    return this.#edges.get(stageKey)?.link?.originNodeId ?? null;
  }

  /**
   * On the origin: brings here what participants publish on an edge (an attendee whose hand was
   * accepted while watching there), so it reaches every node like the origin's own sources.
   */
  async pullPublished(stageKey: string, edgeNodeId: string, sources: SourceInfo[]): Promise<void> {
    const stage = this.media.existingStage(stageKey);
    if (!stage || !this.#origins.has(stageKey))
      throw new AppError('conflict', `node ${this.nodeId} is not the origin of stage ${stageKey}`);
    const key = `${stageKey}|${edgeNodeId}`;
    let link = this.#published.get(key);
    if (sources.length === 0) {
      link?.close();
      this.#published.delete(key);
      return;
    }
    if (!link || link.closed) {
      link = new EdgeLink(stage, edgeNodeId, this.originClient, this.#logger);
      this.#published.set(key, link);
      const opened = link;
      stage.once('@close', () => opened.close());
      // The edge's whole copy of the stage is offered; the link skips what the origin already has.
      await link.open(sources);
      return;
    }
    await link.sync(sources);
  }

  /**
   * Leaves the cluster's stages: pulled and piped sources are closed, and the origin claims this node
   * holds are released and announced, so edges stop waiting for it at once instead of at expiry.
   */
  async close(): Promise<void> {
    for (const link of this.#published.values()) link.close();
    this.#published.clear();
    for (const edge of this.#edges.values()) edge.link?.close();
    this.#edges.clear();
    const released = [...this.#origins];
    this.#origins.clear();
    for (const key of released) {
      await this.origins.release(key).catch(() => undefined);
      await this.messenger.publish(stageChannel(key), { type: 'origin', nodeId: null } satisfies StageMessage);
    }
    for (const unsubscribe of this.#unsubscribe.values()) unsubscribe();
    this.#unsubscribe.clear();
  }

  /** Runs before a newly opened stage is used: an edge brings the origin's sources over first. */
  async #prepare(stage: StageMedia): Promise<void> {
    const key = stage.key;
    this.#unsubscribe.set(
      key,
      this.messenger.subscribe(stageChannel(key), (message) => this.#onMessage(key, message)),
    );
    const announce = (): void => {
      if (this.#origins.has(key)) void this.#announceSources(stage);
      else void this.#sendPublished(key);
    };
    stage.on('sourceupdated', announce);
    stage.on('sourceclosed', announce);
    // An edge holds a stage for its audience: signaling peers and WHEP players alike.
    const audienceLeft = (): void => {
      if (this.#edges.has(key) && stage.peerCount === 0 && stage.playerCount === 0) this.media.closeStage(key);
    };
    stage.on('peerremoved', audienceLeft);
    stage.on('playerremoved', audienceLeft);
    stage.once('@close', () => this.#closed(stage));
    if (this.#origins.has(key)) return;
    this.#edges.set(key, { stage, openedAt: Date.now(), link: null, linking: null, publishedSent: '[]' });
    await this.#link(key);
  }

  #closed(stage: StageMedia): void {
    const key = stage.key;
    this.#unsubscribe.get(key)?.();
    this.#unsubscribe.delete(key);
    const edge = this.#edges.get(key);
    if (edge?.stage === stage) {
      edge.link?.close();
      this.#edges.delete(key);
    }
    if (this.#origins.delete(key)) {
      // Its sources are gone with it: edges drop theirs, and the next ingest or speaker claims anew.
      this.origins.release(key).catch(() => undefined);
      void this.messenger.publish(stageChannel(key), { type: 'origin', nodeId: null } satisfies StageMessage);
    }
  }

  async #announceSources(stage: StageMedia): Promise<void> {
    const sources = stage.sources;
    try {
      await this.origins.saveSources(stage.key, sources);
    } catch (error) {
      this.#logger.warn({ err: error, stage: stage.key }, 'sources not saved');
    }
    await this.messenger.publish(stageChannel(stage.key), { type: 'sources', nodeId: this.nodeId, sources } satisfies StageMessage);
  }

  /** Links an edge stage to its live origin, if it has one and is not linked to it already. */
  #link(key: string): Promise<void> {
    const edge = this.#edges.get(key);
    if (!edge) return Promise.resolve();
    edge.linking ??= this.#openLink(edge).finally(() => {
      edge.linking = null;
    });
    return edge.linking;
  }

  async #openLink(edge: EdgeStage): Promise<void> {
    const key = edge.stage.key;
    const origin = await this.origins.originOf(key).catch(() => null);
    if (edge.link && !edge.link.closed && edge.link.originNodeId === origin) return;
    edge.link?.close();
    edge.link = null;
    if (!origin || origin === this.nodeId || edge.stage.closed) return;
    const link = new EdgeLink(edge.stage, origin, this.originClient, this.#logger);
    edge.link = link;
    try {
      await link.open();
    } catch (error) {
      this.#logger.warn({ err: error, stage: key, origin }, 'link to the origin failed; retrying on the next heartbeat');
      link.close();
      if (edge.link === link) edge.link = null;
      return;
    }
    // A new origin knows nothing yet of what is published here.
    edge.publishedSent = '[]';
    await this.#sendPublished(key);
  }

  /** Tells the origin what participants publish on this edge, when that changed. */
  async #sendPublished(key: string): Promise<void> {
    const edge = this.#edges.get(key);
    const link = edge?.link;
    if (!edge || !link || link.closed) return;
    const published = edge.stage.sources.filter((source) => source.producers.some((p) => !link.mirrors(p.producerId)));
    const json = JSON.stringify(published);
    if (json === edge.publishedSent) return;
    edge.publishedSent = json;
    try {
      await this.originClient.publish(link.originNodeId, key, published);
    } catch (error) {
      edge.publishedSent = '';
      this.#logger.warn({ err: error, stage: key }, 'the origin did not take what is published here; retrying on the next heartbeat');
    }
  }

  #onMessage(key: string, message: unknown): void {
    if (!isStageMessage(message) || message.nodeId === this.nodeId) return;
    const edge = this.#edges.get(key);
    switch (message.type) {
      case 'program':
        this.media
          .existingStage(key)
          ?.setProgram(message.sourceId)
          .catch((error: unknown) => this.#logger.warn({ err: error, stage: key }, 'program not applied'));
        return;
      case 'origin':
        if (edge && edge.link?.originNodeId !== message.nodeId) void this.#link(key);
        return;
      case 'sources':
        if (edge?.link && edge.link.originNodeId === message.nodeId) void edge.link.sync(message.sources).catch(() => undefined);
        return;
    }
  }

  /**
   * A node died. Edge stages it originated lose their piped sources and re-link once another origin
   * appears; what participants published on it leaves the stages this node originates.
   */
  #nodeLost(nodeId: string): void {
    for (const edge of this.#edges.values()) {
      if (edge.link?.originNodeId !== nodeId) continue;
      edge.link.close();
      edge.link = null;
    }
    for (const [key, link] of this.#published) {
      if (link.originNodeId !== nodeId) continue;
      link.close();
      this.#published.delete(key);
    }
  }

  async #tick(): Promise<void> {
    try {
      const lost = await this.origins.refresh([...this.#origins], (key) => this.media.existingStage(key)?.sources ?? []);
      for (const key of lost) {
        this.#logger.warn({ stage: key }, 'another node took over as origin of a stage this node held');
        this.#origins.delete(key);
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'origin claims not refreshed');
    }
    for (const [key, edge] of this.#edges) {
      if (edge.stage.peerCount === 0 && Date.now() - edge.openedAt > IDLE_EDGE_MS) this.media.closeStage(key);
      else if (!edge.link || edge.link.closed || !this.registry.isAlive(edge.link.originNodeId)) void this.#link(key);
      else void this.#sendPublished(key);
    }
  }
}
