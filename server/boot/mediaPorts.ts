import type { MediaNode } from '../../media/MediaNode';
import type { Cluster } from '../cluster/Cluster';
import type { NodeInfo } from '../cluster/NodeRegistry';
import type { ProgramMedia } from '../conference/ProgramService';
import type { SourceInfo } from '../../media/types';
import { AppError } from '../errors';
import type { MediaRoutesPort, Placement, PlacementPort, StageMediaView } from '../http/routes/media';

/** The sources a host may put on air: every one but the language channels. */
function programSourceIds(sources: readonly SourceInfo[]): string[] {
  return sources.filter((s) => s.kind !== 'interpretation').map((s) => s.id);
}

/**
 * The narrow ports through which the conference domain and the media routes reach the SFU. In a
 * cluster they go through the stage's origin node wherever the request arrived; on a single node,
 * straight to the local SFU.
 */
export function mediaPorts(media: MediaNode, cluster: Cluster | null): { program: ProgramMedia; routes: MediaRoutesPort } {
  const onStageOpened = (listener: (stageKey: string) => void): void => {
    media.on('stageopened', (stage) => listener(stage.key));
  };
  const describe = (stageKey: string): StageMediaView | undefined => {
    const view = media.existingStage(stageKey)?.describe();
    return view && cluster ? { ...view, cluster: cluster.describeStage(stageKey) } : view;
  };
  if (!cluster) {
    return {
      program: {
        // Language channels are never on air: a host naming one is told there is no such source.
        sourceIds: async (stageKey) => programSourceIds(media.existingStage(stageKey)?.sources ?? []),
        setProgram: async (stageKey, sourceId) => (await media.stage(stageKey)).setProgram(sourceId),
        onStageOpened,
      },
      routes: {
        openIngest: async (stageKey, options) => (await media.stage(stageKey)).openIngest(options),
        ingestTarget: async (stageKey, sourceId) => {
          const target = media.existingStage(stageKey)?.ingestTarget(sourceId);
          if (!target) throw new AppError('not_found', `feed ${sourceId} of stage ${stageKey} is not open`);
          return target;
        },
        describe,
      },
    };
  }
  return {
    program: {
      sourceIds: (stageKey) => cluster.stages.sourceIds(stageKey),
      setProgram: (stageKey, sourceId) => cluster.stages.setProgram(stageKey, sourceId),
      onStageOpened,
    },
    routes: {
      openIngest: (stageKey, options) => cluster.openIngest(stageKey, options),
      ingestTarget: (stageKey, sourceId) => cluster.ingestTarget(stageKey, sourceId),
      describe,
    },
  };
}

/** Where the join answers send a participant: the least loaded node, or a stage's origin for publishers. */
export function placementPort(cluster: Cluster): PlacementPort {
  const placed = (node: NodeInfo | null): Placement | null =>
    node && {
      nodeId: node.id,
      nodeUrl: node.url,
      fallbackUrls: cluster
        .nodes()
        .filter((other) => other.id !== node.id && !other.draining)
        .map((other) => other.url),
    };
  return { viewer: () => placed(cluster.placeViewer()), publisher: async (stageKey) => placed(await cluster.placePublisher(stageKey)) };
}
