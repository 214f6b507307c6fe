import type { NodeInfo } from './NodeRegistry';

/**
 * An origin counts as this many viewers when choosing where viewers go: it carries the ingest, the
 * speakers and a pipe to every edge, so the audience is better served elsewhere while there is room.
 */
export const ORIGIN_VIEWER_WEIGHT = 100;

function score(node: NodeInfo): number {
  return node.load.viewers + node.load.origins * ORIGIN_VIEWER_WEIGHT;
}

/** The least loaded node that takes viewers (not draining, consumers to spare); ties go to the cooler CPU. */
export function chooseViewerNode(nodes: readonly NodeInfo[]): NodeInfo | null {
  const open = nodes.filter((node) => !node.draining && node.load.freeConsumers > 0);
  open.sort((a, b) => score(a) - score(b) || a.load.workerCpuPercent - b.load.workerCpuPercent || a.id.localeCompare(b.id));
  return open[0] ?? null;
}

/** Speakers go to the stage's origin, where its sources live; without one, where a viewer would go. */
export function choosePublisherNode(nodes: readonly NodeInfo[], originNodeId: string | null): NodeInfo | null {
  const origin = originNodeId ? nodes.find((node) => node.id === originNodeId && !node.draining) : undefined;
  return origin ?? chooseViewerNode(nodes);
}
