import type { NodeSelf } from './Cluster';
import type { NodeInfo } from './NodeRegistry';

/**
 * The directory of a deployment of one node: it lists itself, as a cluster's registry would list
 * its members. Like `Cluster.join`, `join` registers the node once it listens.
 */
export class SingleNode {
  readonly #startedAt = new Date().toISOString();
  #self: NodeSelf | null = null;

  constructor(
    readonly nodeId: string,
    /** Stages whose sources live here: on a single node, every open stage. */
    private readonly origins: () => number,
  ) {}

  async join(self: NodeSelf): Promise<void> {
    this.#self = self;
  }

  nodes(): NodeInfo[] {
    const self = this.#self;
    if (!self) return [];
    return [
      {
        id: this.nodeId,
        url: self.url,
        announcedIp: self.announcedIp,
        startedAt: this.#startedAt,
        heartbeatAt: new Date().toISOString(),
        draining: self.draining(),
        load: { ...self.load(), origins: this.origins() },
      },
    ];
  }
}
