import type { NodeInfo } from '../../cluster/NodeRegistry';
import type { ApiRegistry } from '../api';

/** The nodes of the deployment as the registry knows them (a single node lists itself). */
export function registerNodeRoutes(api: ApiRegistry, nodes: () => NodeInfo[]): void {
  api.add({
    method: 'get',
    path: '/api/nodes',
    operationId: 'listNodes',
    summary: 'The live nodes of the cluster with their load (viewers, worker CPU, free consumers, origins)',
    tag: 'ops',
    access: 'health.view',
    handler: async () => ({ nodes: nodes() }),
  });
}
