import assert from 'node:assert/strict';
import type { NodeInfo, NodeLoad } from '../../../server/cluster/NodeRegistry';
import { choosePublisherNode, chooseViewerNode, ORIGIN_VIEWER_WEIGHT } from '../../../server/cluster/placement';

function node(id: string, load: Partial<NodeLoad> = {}, draining = false): NodeInfo {
  return {
    id,
    url: `http://${id}:3000`,
    announcedIp: '10.0.0.1',
    startedAt: '',
    heartbeatAt: '',
    draining,
    load: { viewers: 0, sockets: 0, workerCpuPercent: 0, freeConsumers: 1000, origins: 0, ...load },
  };
}

describe('placement', () => {
  it('sends a viewer to the node with the fewest viewers', () => {
    assert.equal(chooseViewerNode([node('a', { viewers: 30 }), node('b', { viewers: 10 }), node('c', { viewers: 20 })])?.id, 'b');
  });

  it('counts an origin as ORIGIN_VIEWER_WEIGHT viewers, so the audience goes to edges while they have room', () => {
    const origin = node('a', { viewers: 0, origins: 1 });
    assert.equal(chooseViewerNode([origin, node('b', { viewers: ORIGIN_VIEWER_WEIGHT - 1 })])?.id, 'b');
    assert.equal(chooseViewerNode([origin, node('b', { viewers: ORIGIN_VIEWER_WEIGHT + 1 })])?.id, 'a');
  });

  it('skips draining nodes and nodes without free consumers; none left means null', () => {
    const nodes = [node('a', { viewers: 0 }, true), node('b', { viewers: 1, freeConsumers: 0 }), node('c', { viewers: 500 })];
    assert.equal(chooseViewerNode(nodes)?.id, 'c');
    assert.equal(chooseViewerNode(nodes.slice(0, 2)), null);
  });

  it('breaks ties by worker CPU, then by id, so every node decides alike', () => {
    assert.equal(chooseViewerNode([node('a', { workerCpuPercent: 40 }), node('b', { workerCpuPercent: 10 })])?.id, 'b');
    assert.equal(chooseViewerNode([node('b'), node('a')])?.id, 'a');
  });

  it("sends a speaker to the stage's origin, or where a viewer would go when it has none or it drains", () => {
    const nodes = [node('a', { viewers: 50, origins: 1 }), node('b', { viewers: 5 })];
    assert.equal(choosePublisherNode(nodes, 'a')?.id, 'a');
    assert.equal(choosePublisherNode(nodes, null)?.id, 'b');
    assert.equal(choosePublisherNode([node('a', { origins: 1 }, true), node('b')], 'a')?.id, 'b');
  });
});
